/**
 * How a node proves itself to the show's NATS server, through the client library's own options: a user and
 * password or a token in the URL (`nats://user:pass@host:4222`, `nats://token@host:4222`), a credentials file or an
 * NKey seed (`--nats-creds`), TLS (`tls://`, `--nats-ca`). The URL with its secret is never printed: redactUrl()
 * is what logs and errors show.
 */
import { readFile } from 'node:fs/promises';
import { credsAuthenticator, nkeyAuthenticator, nkeys } from '@nats-io/transport-node';
import type { NodeConnectionOptions } from '@nats-io/transport-node';

export interface NatsAuthOptions {
  /** One URL, or several separated by commas. */
  url: string;
  /** A `.creds` file (a user JWT and its seed) or a file holding an NKey user seed (`SU…`). */
  creds?: string | undefined;
  /** The CA that signed the server's certificate (PEM); turns TLS on. */
  ca?: string | undefined;
}

const SCHEME = /^(nats|tls|wss?):\/\/(.*)$/;

/** The URL(s) as they may be printed: a user's password, or a token, is `***`. */
export function redactUrl(url: string): string {
  return url
    .split(',')
    .map((one) => {
      const m = SCHEME.exec(one.trim());
      if (!m) return one.replace(/[^@/]*@/, '***@');
      const at = m[2]!.lastIndexOf('@');
      if (at < 0) return one.trim();
      const userinfo = m[2]!.slice(0, at);
      const colon = userinfo.indexOf(':');
      // A user name is not a secret (it is in the server's config and its log); a token or a password is.
      const shown = colon < 0 ? '***' : `${userinfo.slice(0, colon)}:***`;
      return `${m[1]}://${shown}${m[2]!.slice(at)}`;
    })
    .join(',');
}

/** Every secret the options hold, so an error text can be scrubbed of them whatever the library wrote. */
export function secretsOf(url: string): string[] {
  const out: string[] = [];
  for (const one of url.split(',')) {
    const m = SCHEME.exec(one.trim());
    const at = m ? m[2]!.lastIndexOf('@') : -1;
    if (!m || at < 0) continue;
    const userinfo = m[2]!.slice(0, at);
    const colon = userinfo.indexOf(':');
    const secret = colon < 0 ? userinfo : userinfo.slice(colon + 1);
    if (secret) out.push(secret, safeDecode(secret));
  }
  return out.filter((s) => s.length > 0);
}

/** `text` with every secret of `url` replaced by `***`. */
export function scrub(text: string, url: string): string {
  let out = text;
  for (const secret of secretsOf(url)) out = out.split(secret).join('***');
  return out;
}

/**
 * The connection options for `o`: the servers without their credentials, and the credentials given to the library
 * as its own options. Throws a sentence (with no secret in it) when a file cannot be read or is not what it should.
 */
export async function natsConnectOptions(o: NatsAuthOptions): Promise<Partial<NodeConnectionOptions>> {
  const servers: string[] = [];
  let user: { user: string; pass: string } | { token: string } | undefined;
  let tls = false;
  for (const raw of o.url.split(',')) {
    const m = SCHEME.exec(raw.trim());
    if (!m) throw new Error(`${redactUrl(raw)} is not a nats://, tls:// or ws(s):// URL`);
    const [, scheme, rest] = m as unknown as [string, string, string];
    if (scheme === 'tls') tls = true;
    const at = rest.lastIndexOf('@');
    servers.push(`${scheme === 'tls' ? 'nats' : scheme}://${rest.slice(at + 1)}`);
    if (at < 0) continue;
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    const found =
      colon < 0
        ? { token: safeDecode(userinfo) }
        : { user: safeDecode(userinfo.slice(0, colon)), pass: safeDecode(userinfo.slice(colon + 1)) };
    if (user && JSON.stringify(user) !== JSON.stringify(found)) {
      throw new Error('the --nats URLs carry different credentials; give them once, on the first URL');
    }
    user = found;
  }
  const options: Partial<NodeConnectionOptions> = { servers, ...user };
  if (o.creds !== undefined) options.authenticator = await credsFile(o.creds);
  if (o.ca !== undefined) {
    await readFile(o.ca, 'utf8').then(
      (pem) => {
        if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`--nats-ca ${o.ca} holds no PEM certificate`);
      },
      (err: NodeJS.ErrnoException) => {
        throw new Error(`could not read --nats-ca ${o.ca} (${err.code ?? err.message})`);
      },
    );
    options.tls = { caFile: o.ca };
  } else if (tls) options.tls = {};
  return options;
}

/** A credentials file (user JWT and seed) or a bare NKey user seed, checked now so a bad one is said at start. */
async function credsFile(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`could not read --nats-creds ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, {
      cause: err,
    });
  }
  const bytes = new TextEncoder().encode(text);
  if (text.includes('BEGIN NATS USER JWT')) {
    const seed = /-{3,}[^\n]*SEED[^\n]*-{3,}\s*\n\s*(\S+)/i.exec(text)?.[1];
    if (!seed || !isUserSeed(seed)) {
      throw new Error(`--nats-creds ${file} is a credentials file without a valid user seed after its JWT`);
    }
    return credsAuthenticator(bytes);
  }
  const seed = text.trim();
  if (isUserSeed(seed)) return nkeyAuthenticator(new TextEncoder().encode(seed));
  throw new Error(
    `--nats-creds ${file} is neither a credentials file (a user JWT and its seed, as nsc writes it) nor an NKey user seed (SU…)`,
  );
}

function isUserSeed(seed: string): boolean {
  try {
    return nkeys.fromSeed(new TextEncoder().encode(seed)).getPublicKey().startsWith('U');
  } catch {
    return false;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
