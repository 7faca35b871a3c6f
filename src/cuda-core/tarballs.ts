/**
 * The tarballs a core is made of: fetched with `npm pack` (the npm client, its registry and cache) or found in a
 * folder, checked against npm's integrity before anything is read from them, and unpacked in part with tar.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { tarballName } from './pins';
import type { TarballPin } from './pins';

/** A finished command: exit code and output. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs a command in a folder; tests pass their own. */
export type Run = (command: string, args: string[], cwd: string) => Promise<Ran>;

/** Runs a program (no shell), output kept in memory (npm pack's JSON, tar's errors). */
export const run: Run = (command, args, cwd) =>
  new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code !== 0 ? err.message : '') });
    });
  });

const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .at(-1) ?? '';

const packOutput = z.array(z.object({ filename: z.string() })).min(1);

/** Fetches one tarball into `dest` with `npm pack`; throws a sentence when npm cannot. */
export async function packTarball(pin: TarballPin, dest: string, runner: Run = run): Promise<string> {
  const spec = `${pin.name}@${pin.version}`;
  const r = await runner('npm', ['pack', spec, '--pack-destination', dest, '--json', '--loglevel=error'], dest);
  const why = r.code !== 0 ? lastLine(r.stderr) || `exit code ${r.code}` : null;
  let file: string | undefined;
  if (!why) {
    try {
      const parsed = packOutput.safeParse(JSON.parse(r.stdout));
      if (parsed.success) file = join(dest, parsed.data[0]!.filename);
    } catch {
      // Not JSON: said below.
    }
  }
  if (!file || !existsSync(file)) {
    throw new Error(
      `npm pack ${spec} failed (${why ?? 'npm said no file name'}): assembling needs the npm registry, ` +
        `or --tarballs <folder> holding ${tarballName(pin)}`,
    );
  }
  return file;
}

/** The tarball in a folder, named as `npm pack` names it; throws a sentence when it is not there. */
export function localTarball(pin: TarballPin, folder: string): string {
  const file = join(folder, tarballName(pin));
  if (!existsSync(file)) throw new Error(`${folder} has no ${tarballName(pin)} (${pin.name}@${pin.version})`);
  return file;
}

/** The sha512 digests (base64) in an integrity field; npm may list several hashes, space-separated. */
const sha512Of = (integrity: string) =>
  integrity
    .split(/\s+/)
    .filter((h) => h.startsWith('sha512-'))
    .map((h) => h.slice('sha512-'.length).split('?')[0]!);

/** Checks a tarball against its pinned integrity; throws a sentence on a mismatch, before anything is unpacked. */
export async function verifyIntegrity(file: string, pin: TarballPin): Promise<void> {
  const expected = sha512Of(pin.integrity);
  if (expected.length === 0) throw new Error(`the pin of ${pin.name}@${pin.version} has no sha512 integrity`);
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const actual = hash.digest('base64');
  if (!expected.includes(actual)) {
    throw new Error(
      `${file} is not ${pin.name}@${pin.version} as npm published it: its sha512 is ${actual}, npm's integrity ` +
        `says ${expected[0]}; nothing was assembled (a damaged or substituted tarball: remove it and fetch again)`,
    );
  }
}

/** Unpacks some members of a gzipped tarball (folders whole) into `dest`; throws tar's complaint as a sentence. */
export async function extractMembers(file: string, dest: string, members: string[], runner: Run = run): Promise<void> {
  const r = await runner('tar', ['-xzf', file, '--no-same-owner', '-C', dest, ...members], dest);
  if (r.code !== 0) {
    throw new Error(`${file} does not have the layout expected (${lastLine(r.stderr) || `tar exit code ${r.code}`})`);
  }
}
