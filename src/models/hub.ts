/**
 * Talking to the Hugging Face Hub (or a mirror at HF_ENDPOINT): the resolve URL of a file, the token, redirects
 * followed by hand so the token never leaves the Hub's origin, and HTTP failures turned into sentences that say what
 * to do.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Artifact } from './manifest';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
const MAX_REDIRECTS = 10;

/** Why a download failed, for callers that react differently (the CLI exit code, the status). */
export type DownloadErrorKind = 'auth' | 'not_found' | 'network' | 'http' | 'checksum' | 'disk' | 'locked' | 'invalid';

/** A download failure whose message is a sentence for the person at the keyboard. */
export class DownloadError extends Error {
  /** Whether trying again later can succeed (network failures, timeouts, 5xx and 429 answers). */
  readonly retryable: boolean;

  constructor(
    readonly kind: DownloadErrorKind,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options);
    this.retryable = options?.retryable ?? kind === 'network';
  }
}

export interface HubConfig {
  endpoint: string;
  token: string | null;
}

const endpointSchema = z.url({ protocol: /^https?$/ });

/**
 * The endpoint and token as the Hugging Face tools find them: HF_ENDPOINT, HF_TOKEN, else the token file that
 * `hf auth login` writes (HF_TOKEN_PATH, else $HF_HOME/token, else ~/.cache/huggingface/token).
 */
export function hubConfig(env: NodeJS.ProcessEnv): HubConfig {
  const raw = env.HF_ENDPOINT?.trim().replace(/\/+$/, '');
  let endpoint = DEFAULT_ENDPOINT;
  if (raw) {
    const parsed = endpointSchema.safeParse(raw);
    if (!parsed.success) throw new DownloadError('invalid', `HF_ENDPOINT "${raw}" is not an http(s) URL`);
    endpoint = raw;
  }
  return { endpoint, token: env.HF_TOKEN?.trim() || tokenFile(env) };
}

function tokenFile(env: NodeJS.ProcessEnv): string | null {
  const path = env.HF_TOKEN_PATH || join(env.HF_HOME || join(homedir(), '.cache', 'huggingface'), 'token');
  try {
    return readFileSync(path, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** `<endpoint>/<repo>/resolve/<revision>/<file>`, each part percent-encoded (a revision may contain `/`). */
export function resolveUrl(endpoint: string, artifact: Pick<Artifact, 'repo' | 'revision' | 'file'>): string {
  const file = artifact.file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${artifact.repo}/resolve/${encodeURIComponent(artifact.revision)}/${file}`;
}

export interface HubResponse {
  response: Response;
  /** sha256 hex of an LFS file, from the Hub's `X-Linked-Etag` on the redirect to its CDN; null otherwise. */
  linkedSha256: string | null;
  /** `X-Linked-Size`, the LFS file's size; null when not sent. */
  linkedSize: number | null;
}

/**
 * GET with redirects followed by hand: the Hub answers LFS files with a redirect to its CDN that carries the
 * checksum headers, which `fetch` would hide; and the token is sent to the Hub's own origin only.
 */
export async function hubGet(
  url: string,
  options: { token: string | null; range?: number; fetch: typeof fetch; signal?: AbortSignal },
): Promise<HubResponse> {
  let current = new URL(url);
  const origin = current.origin;
  let linkedSha256: string | null = null;
  let linkedSize: number | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'daydream-scope' };
    if (options.token && current.origin === origin) headers.authorization = `Bearer ${options.token}`;
    if (options.range) headers.range = `bytes=${options.range}-`;
    const response = await options.fetch(current, { headers, redirect: 'manual', signal: options.signal ?? null });
    linkedSha256 ??= sha256FromEtag(response.headers.get('x-linked-etag'));
    linkedSize ??= nonNegativeInt(response.headers.get('x-linked-size'));
    if (![301, 302, 303, 307, 308].includes(response.status)) return { response, linkedSha256, linkedSize };
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (!location) throw new DownloadError('http', `${current.href} redirected (HTTP ${response.status}) to nowhere`);
    // Only the URL follows a redirect; the local path was fixed from the manifest before the first request.
    const next = new URL(location, current);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') {
      throw new DownloadError('http', `refusing a redirect to ${next.protocol} (${next.href})`);
    }
    current = next;
  }
  throw new DownloadError('http', `${url} redirected more than ${MAX_REDIRECTS} times`);
}

/** The sha256 in an ETag such as `"9f86d0…"` or `W/"…"`; null for anything else (git blob sha1s of small files). */
export function sha256FromEtag(etag: string | null): string | null {
  const m = /^(?:W\/)?"?([0-9a-fA-F]{64})"?$/.exec(etag?.trim() ?? '');
  return m?.[1] ? m[1].toLowerCase() : null;
}

function nonNegativeInt(value: string | null): number | null {
  const n = value === null ? NaN : Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** An HTTP failure of the Hub as a sentence naming the repository, revision and file, and what to do. */
export function httpError(response: Response, artifact: Artifact, config: HubConfig): DownloadError {
  const { repo, revision, file } = artifact;
  const page = `${config.endpoint}/${repo}`;
  const code = response.headers.get('x-error-code');
  const status = response.status;
  if (status === 401) {
    return new DownloadError(
      'auth',
      config.token
        ? `the Hub refused the token (HTTP 401) for ${repo}: check that HF_TOKEN is a valid token from ${config.endpoint}/settings/tokens, and that the repository exists`
        : `${repo} needs a Hugging Face token (HTTP 401; a private or missing repository answers this too): create one at ${config.endpoint}/settings/tokens, set HF_TOKEN to it, and accept the licence on ${page}`,
    );
  }
  if (status === 403) {
    return new DownloadError(
      'auth',
      config.token
        ? `access to ${repo} was refused (HTTP 403${code ? ` ${code}` : ''}): accept the licence on ${page} with the account of HF_TOKEN (a fine-grained token also needs "read access to public gated repositories")`
        : `${repo} is gated (HTTP 403): accept its licence on ${page}, then set HF_TOKEN to a token of that account`,
    );
  }
  if (status === 404) {
    const what =
      code === 'RepoNotFound'
        ? `repository ${repo} was not found`
        : code === 'RevisionNotFound'
          ? `revision ${revision} was not found in ${repo}`
          : code === 'EntryNotFound'
            ? `file ${file} was not found in ${repo} at revision ${revision}`
            : `${file} of ${repo} at revision ${revision} was not found (the repository, the revision or the file is wrong)`;
    return new DownloadError('not_found', `${what} (HTTP 404 from ${config.endpoint})`);
  }
  const passing = status >= 500 || status === 429;
  const hint = passing ? '; try again later, the download resumes where it stopped' : '';
  return new DownloadError('http', `the Hub answered HTTP ${status} for ${file} of ${repo}${hint}`, {
    retryable: passing,
  });
}
