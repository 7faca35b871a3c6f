/**
 * Carrying an assembled core to a machine that reaches no registry, a limited number of bytes at a time (a lent
 * GPU machine takes at most 64 MiB a call, the repository included): the core folder as one tar stream, xz
 * compressed, cut into pieces of a fixed size, with a sha256 list in `sha256sum -c` format (each piece and the
 * whole stream) and the core's folder name. tools/cuda-core-join.sh puts them back together there with bash,
 * coreutils, tar and xz alone.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file names in the pieces folder. */
export const STREAM = 'cuda-core.tar.xz';
export const SUMS = 'cuda-core.sha256';
export const NAME_FILE = 'cuda-core.name';
export const pieceName = (i: number) => `${STREAM}.${String(i).padStart(2, '0')}`;

/**
 * xz's x86 filter turns relative call addresses absolute, which makes machine code compress better (libonnxruntime
 * 45 MB: 12.2 MB at -9, 11.1 MB with it and -9e, 2026-12-07).
 */
export const XZ_ARGS = ['--x86', '--lzma2=preset=9e', '-T1', '-c'];

export interface SplitResult {
  pieces: string[];
  bytes: number;
}

/** Packs `core` into pieces of at most `pieceBytes` in `out` (emptied of earlier pieces first). */
export async function splitCore(core: string, out: string, pieceBytes: number): Promise<SplitResult> {
  await mkdir(out, { recursive: true });
  for (const f of await readdir(out)) if (f.startsWith(STREAM) || f === SUMS || f === NAME_FILE) await rm(join(out, f));
  const tar = spawn('tar', ['-C', dirname(core), '-cf', '-', basename(core)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const xz = spawn('xz', XZ_ARGS, { stdio: ['pipe', 'pipe', 'pipe'] });
  tar.stdout.pipe(xz.stdin);
  const errors: string[] = [];
  tar.stderr.on('data', (d: Buffer) => errors.push(`tar: ${d}`));
  xz.stderr.on('data', (d: Buffer) => errors.push(`xz: ${d}`));
  const exited = (p: ReturnType<typeof spawn>, what: string) =>
    new Promise<void>((resolve, reject) => {
      p.on('error', (err) => reject(new Error(`${what} could not start (${err.message})`)));
      p.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`${what} failed: ${errors.join(' ').trim()}`)),
      );
    });
  const done = Promise.all([exited(tar, 'tar'), exited(xz, 'xz')]);

  const whole = createHash('sha256');
  const sums: string[] = [];
  const pieces: string[] = [];
  let file: FileHandle | undefined;
  let hash = createHash('sha256');
  let inPiece = 0;
  let bytes = 0;
  const close = async () => {
    if (!file) return;
    await file.close();
    sums.push(`${hash.digest('hex')}  ${pieces.at(-1)}`);
    file = undefined;
  };
  try {
    for await (const chunk of xz.stdout) {
      let data = chunk as Buffer;
      whole.update(data);
      bytes += data.length;
      while (data.length > 0) {
        if (!file || inPiece === pieceBytes) {
          await close();
          pieces.push(pieceName(pieces.length));
          file = await open(join(out, pieces.at(-1)!), 'w');
          hash = createHash('sha256');
          inPiece = 0;
        }
        const part = data.subarray(0, pieceBytes - inPiece);
        await file.write(part);
        hash.update(part);
        inPiece += part.length;
        data = data.subarray(part.length);
      }
    }
    await close();
    await done;
  } catch (err) {
    await file?.close();
    throw err;
  }
  sums.push(`${whole.digest('hex')}  ${STREAM}`);
  await writeFile(join(out, SUMS), `${sums.join('\n')}\n`);
  await writeFile(join(out, NAME_FILE), `${basename(core)}\n`);
  return { pieces, bytes };
}
