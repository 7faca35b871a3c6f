/** The LAN token: made on first use, kept in the config dir readable by its owner only. */
import { randomBytes } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../files';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** Whether a token given with --token is usable (URL- and header-safe, long enough to guess never). */
export function tokenProblem(token: string): string | undefined {
  return TOKEN_PATTERN.test(token)
    ? undefined
    : 'a token is 16 to 128 letters, digits, "-" or "_" (it travels in URLs and headers)';
}

/** The token in `<configDir>/token`, made (and written with mode 0600) when there is none or it is unusable. */
export async function loadOrCreateToken(configDir: string, log: (message: string) => void): Promise<string> {
  const path = join(configDir, 'token');
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (!tokenProblem(text)) return text;
    log(`The token in ${path} is not usable; making a new one.`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(24).toString('base64url');
  await writeFileAtomic(path, `${token}\n`, { mode: 0o600 });
  // The rename keeps the temporary file's mode; set it again in case the file system ignored it.
  await chmod(path, 0o600);
  return token;
}

/** Whether binding `host` exposes the server beyond this machine. */
export function isLanHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return !(h === 'localhost' || h === '::1' || h.startsWith('127.'));
}

/** This machine's names and addresses, which the Host header may carry in LAN mode. */
export function ownHostNames(): string[] {
  const names = [hostname(), `${hostname()}.local`];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) names.push(a.family === 'IPv6' ? `[${a.address.split('%')[0]}]` : a.address);
  }
  return names;
}
