/**
 * Downloads one artifact to `<file>.incomplete`, resuming with an HTTP Range, checks its sha256 and size, and only
 * then renames it to its final name: a file under its final name is always whole and verified.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DownloadError, hubGet, httpError, resolveUrl } from './hub';
import { DECIMAL, formatBytes } from '../shared/bytes';
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { HubConfig } from './hub';
import type { Artifact } from './manifest';

/** How a finished file was checked. */
export type Verification = 'sha256 (manifest)' | 'sha256 (Hub)' | 'size only';

export interface TransferOptions {
  artifact: Artifact;
  /** Final path, from `artifactPath`: never from the URL, a redirect or a header. */
  dest: string;
  hub: HubConfig;
  fetch: typeof fetch;
  /** Running byte count of the file (including a resumed part) and its total when known. */
  onProgress: (bytes: number, total: number | null) => void;
  /** Throws when `bytes` more do not fit on the disk. */
  checkSpace: (bytes: number) => Promise<void>;
  log: (message: string) => void;
  /** What to run to resume after a network failure, for the message. */
  resumeHint: string;
  /** Abort when no byte arrived for this long (a silent dead connection). */
  idleTimeoutMs?: number;
  /** Stops the download (the server shutting down); the part is kept for a later resume. */
  signal?: AbortSignal;
  /** Where to fetch it from when it is not a Hub file (a LoRA by URL); default: the Hub's resolve URL. */
  url?: string;
}

export interface TransferResult {
  bytes: number;
  verified: Verification;
  resumedFrom: number;
}

/** Fetches, verifies and renames one file; the `.incomplete` part survives network failures for the next try. */
export async function transferFile(o: TransferOptions): Promise<TransferResult> {
  const part = `${o.dest}.incomplete`;
  const name = `${o.artifact.file} (${o.artifact.role}) of ${o.artifact.repo}`;
  await mkdir(dirname(o.dest), { recursive: true });
  let offset = await sizeOf(part);
  const resumedFrom = offset;
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(new Error('no data arrived for a while')), o.idleTimeoutMs ?? 60_000);
    timer.unref();
  };
  const signal = o.signal ? AbortSignal.any([idle.signal, o.signal]) : idle.signal;
  try {
    // At most two rounds: one with the Range of the part on disk, one from zero when that part turned out useless.
    for (let round = 0; round < 2; round++) {
      touch();
      const got = await hubGet(o.url ?? resolveUrl(o.hub.endpoint, o.artifact), {
        token: o.hub.token,
        range: offset,
        fetch: o.fetch,
        signal,
      }).catch((err: unknown) => {
        throw err instanceof DownloadError ? err : networkError(signal.reason ?? err, name, offset, null, o.resumeHint);
      });
      const { response, linkedSha256, linkedSize } = got;
      const expectedSha = o.artifact.sha256?.toLowerCase() ?? linkedSha256;
      if (o.artifact.sha256 && linkedSha256 && linkedSha256 !== o.artifact.sha256.toLowerCase()) {
        await response.body?.cancel();
        throw new DownloadError(
          'checksum',
          `the Hub's sha256 of ${name} at ${o.artifact.revision} (${linkedSha256}) is not the one the manifest pins (${o.artifact.sha256}): the manifest names the wrong revision or checksum`,
        );
      }
      let total: number | null;
      if (response.status === 416) {
        // Nothing left to send from `offset`: the part is whole already (an earlier run stopped before the rename),
        // or longer than the file, which only a restart can fix.
        total = unsatisfiedTotal(response) ?? linkedSize ?? o.artifact.size ?? null;
        await response.body?.cancel();
        if (total === offset) return await finish(o, part, name, offset, expectedSha, total, resumedFrom);
        o.log(`${name}: the partial file does not fit the file on the Hub; starting over`);
        await rm(part, { force: true });
        offset = 0;
        continue;
      }
      if (response.status === 206) {
        const range = contentRange(response);
        if (!range || range.start !== offset) {
          await response.body?.cancel();
          o.log(`${name}: the server resumed at the wrong place; starting over`);
          await rm(part, { force: true });
          offset = 0;
          continue;
        }
        total = range.total ?? linkedSize ?? o.artifact.size ?? null;
      } else if (response.status === 200) {
        if (offset > 0) o.log(`${name}: the server does not resume downloads; starting over`);
        offset = 0;
        total = contentLength(response) ?? linkedSize ?? o.artifact.size ?? null;
      } else {
        await response.body?.cancel();
        throw httpError(response, o.artifact, o.hub);
      }
      if (o.artifact.size !== undefined && total !== null && total !== o.artifact.size) {
        await response.body?.cancel();
        throw new DownloadError(
          'checksum',
          `${name} is ${total} bytes on the Hub but the manifest expects ${o.artifact.size}: the manifest names the wrong revision or size`,
        );
      }
      if (total !== null) await o.checkSpace(total - offset);
      const hash = createHash('sha256');
      if (offset > 0) await hashFile(part, hash);
      const file = await open(part, offset > 0 ? 'a' : 'w');
      let bytes = offset;
      try {
        o.onProgress(bytes, total);
        bytes = await pump(response, file, hash, bytes, (n) => {
          bytes = n;
          touch();
          o.onProgress(n, total);
        });
        await file.sync();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
          throw new DownloadError('disk', `the disk is full: ${name} stopped after ${formatBytes(bytes, DECIMAL)}`);
        }
        throw networkError(signal.aborted ? signal.reason : err, name, bytes, total, o.resumeHint);
      } finally {
        await file.close();
      }
      if (total !== null && bytes < total) {
        throw networkError(new Error('the connection ended early'), name, bytes, total, o.resumeHint);
      }
      return await finish(o, part, name, bytes, expectedSha, total, resumedFrom, hash);
    }
    throw new DownloadError('http', `${name}: the server kept sending something else than asked for; try again later`);
  } finally {
    clearTimeout(timer);
  }
}

async function pump(
  response: Response,
  file: FileHandle,
  hash: Hash,
  start: number,
  progress: (bytes: number) => void,
): Promise<number> {
  let bytes = start;
  if (!response.body) return bytes;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await file.write(value);
      hash.update(value);
      bytes += value.byteLength;
      progress(bytes);
    }
  } catch (err) {
    // A write that failed (a full disk) leaves the connection open; close it. A broken one rejects this, harmlessly.
    await reader.cancel().catch(() => undefined);
    throw err;
  }
  return bytes;
}

/** Checks size and checksum; renames on success, deletes the part on a mismatch (it cannot be repaired by resuming). */
async function finish(
  o: TransferOptions,
  part: string,
  name: string,
  bytes: number,
  expectedSha: string | null,
  total: number | null,
  resumedFrom: number,
  hash?: Hash,
): Promise<TransferResult> {
  const expectedSize = o.artifact.size ?? total;
  if (expectedSize !== null && bytes !== expectedSize) {
    await rm(part, { force: true });
    throw new DownloadError(
      'checksum',
      `${name} is ${bytes} bytes, expected ${expectedSize}: the partial file was deleted; run the download again`,
    );
  }
  if (expectedSha) {
    const actual = hash ? hash.digest('hex') : await hashFile(part, createHash('sha256')).then((h) => h.digest('hex'));
    if (actual !== expectedSha) {
      await rm(part, { force: true });
      throw new DownloadError(
        'checksum',
        `${name} is corrupt: its sha256 is ${actual}, expected ${expectedSha}. The downloaded file was deleted and nothing was installed; run the download again`,
      );
    }
  } else {
    o.log(
      `${name}: no sha256 is known (none pinned in the manifest, no X-Linked-Etag from the Hub): checked its size only`,
    );
  }
  await rename(part, o.dest);
  const verified: Verification = !expectedSha ? 'size only' : o.artifact.sha256 ? 'sha256 (manifest)' : 'sha256 (Hub)';
  return { bytes, verified, resumedFrom };
}

function networkError(err: unknown, name: string, bytes: number, total: number | null, hint: string): DownloadError {
  const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
  if (bytes === 0) {
    return new DownloadError(
      'network',
      `could not download ${name} (${cause}): check the network connection (and HF_ENDPOINT, if set), then ${hint}`,
      { cause: err },
    );
  }
  const where =
    total === null ? formatBytes(bytes, DECIMAL) : `${formatBytes(bytes, DECIMAL)} of ${formatBytes(total, DECIMAL)}`;
  return new DownloadError(
    'network',
    `the download of ${name} stopped after ${where} (${cause}). The partial file is kept: ${hint} to resume where it stopped`,
    { cause: err },
  );
}

async function hashFile(path: string, hash: Hash): Promise<Hash> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

function contentLength(r: Response): number | null {
  const n = Number(r.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** `Content-Range: bytes 100-199/200` (total `*` when unknown). */
function contentRange(r: Response): { start: number; total: number | null } | null {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(r.headers.get('content-range')?.trim() ?? '');
  if (!m) return null;
  return { start: Number(m[1]), total: m[3] === '*' ? null : Number(m[3]) };
}

/** `Content-Range: bytes *\/200` of a 416. */
function unsatisfiedTotal(r: Response): number | null {
  const m = /^bytes \*\/(\d+)$/.exec(r.headers.get('content-range')?.trim() ?? '');
  return m ? Number(m[1]) : null;
}
