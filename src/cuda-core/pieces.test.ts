import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCore, coreNativeDir } from '../runtime/ort-core';
import { assembleCore } from './assemble';
import { SUMS, pieceName, splitCore } from './pieces';
import { fakeTarballs } from './test-tarballs';

const join_sh = resolve(import.meta.dirname, '..', '..', 'tools', 'cuda-core-join.sh');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cuda-pieces-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A small assembled core; its CUDA library made incompressible, so the stream takes several pieces. */
async function smallCore(): Promise<string> {
  const tarballs = join(root, 'tarballs');
  const pins = fakeTarballs(root, tarballs, { node: '1.29.0', common: '1.29.0', provider: '1.29.0' });
  const { dir, manifest } = await assembleCore({ pins, parent: join(root, 'here'), tarballs });
  const cuda = join(coreNativeDir(dir), 'libonnxruntime_providers_cuda.so');
  await writeFile(cuda, randomBytes(40_000));
  manifest.files['node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so'] = 40_000;
  await writeFile(join(dir, 'core.json'), JSON.stringify(manifest));
  return dir;
}

function joinPieces(pieces: string, parent: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { PATH: process.env.PATH, HOME: root };
    execFile('bash', [join_sh, pieces, parent], { env }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
  });
}

describe('cuda-core split, and tools/cuda-core-join.sh', () => {
  it('cuts the core into pieces no larger than asked, and the join script puts the same core back', async () => {
    const core = await smallCore();
    const pieces = join(root, 'pieces');
    const r = await splitCore(core, pieces, 16 * 1024);
    expect(r.pieces).toEqual([pieceName(0), pieceName(1), pieceName(2)]);
    for (const p of r.pieces) expect(statSync(join(pieces, p)).size).toBeLessThanOrEqual(16 * 1024);
    expect(r.pieces.reduce((n, p) => n + statSync(join(pieces, p)).size, 0)).toBe(r.bytes);

    const there = join(root, 'there', 'ort-core');
    const joined = await joinPieces(pieces, there);
    expect(joined.stderr).toContain(`the core is in ${there}/onnxruntime-1.29.0-cuda13`);
    expect(joined.stdout).toContain(`export DAYDREAM_SCOPE_ORT_CORE=${there}/onnxruntime-1.29.0-cuda13`);
    const back = join(there, 'onnxruntime-1.29.0-cuda13');
    expect(checkCore(back, 'linux/x64')).toEqual(checkCore(core, 'linux/x64'));
    const lib = (dir: string) => readFile(join(coreNativeDir(dir), 'libonnxruntime_providers_cuda.so'));
    expect((await lib(back)).equals(await lib(core))).toBe(true);
    expect(readdirSync(there)).toEqual(['onnxruntime-1.29.0-cuda13']);
  });

  it('the join names the pieces not carried yet, and refuses a damaged one', async () => {
    const pieces = join(root, 'pieces');
    await splitCore(await smallCore(), pieces, 16 * 1024);
    const there = join(root, 'there');
    const piece = await readFile(join(pieces, pieceName(1)));
    await rm(join(pieces, pieceName(1)));
    const missing = await joinPieces(pieces, there);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`1 of 3 pieces are not in ${pieces} yet: ${pieceName(1)}`);

    await writeFile(join(pieces, pieceName(1)), piece.subarray(0, piece.length - 10));
    const damaged = await joinPieces(pieces, there);
    expect(damaged.code).toBe(4);
    expect(damaged.stderr).toContain('a piece does not match its sha256 (cut short in the carrying?); carry it again');
    expect(existsSync(there)).toBe(false);
  });

  it('a new split leaves no piece of an earlier one', async () => {
    const core = await smallCore();
    const pieces = join(root, 'pieces');
    await splitCore(core, pieces, 8 * 1024);
    await appendFile(join(pieces, 'unrelated.txt'), 'kept');
    const r = await splitCore(core, pieces, 64 * 1024);
    expect(readdirSync(pieces).sort()).toEqual([...r.pieces, SUMS, 'cuda-core.name', 'unrelated.txt'].sort());
  });
});
