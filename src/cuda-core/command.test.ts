import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCudaCoreCommand } from './command';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cuda-core-cmd-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function cmd(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCudaCoreCommand(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { DAYDREAM_SCOPE_MODELS_DIR: join(root, 'models') },
  });
  return { code, out, err };
}

describe('daydream-scope cuda-core', () => {
  it('--help names the three packages and the default folder', async () => {
    const r = await cmd('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/onnxruntime-node@1\.29\.0,\s+onnxruntime-common@1\.29\.0 and com\.github\.asus4/);
    expect(r.out).toContain('<models dir>/ort-core');
  });

  it('--tarballs without the tarballs: a sentence naming the file, exit 1, nothing made', async () => {
    const tarballs = join(root, 'empty');
    await mkdir(tarballs);
    const r = await cmd('--tarballs', tarballs, '--dir', join(root, 'out'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `daydream-scope cuda-core: ${tarballs} has no onnxruntime-node-1.29.0.tgz (onnxruntime-node@1.29.0)\n`,
    );
  });

  it('split: refuses a folder that is not an assembled core, and a piece size that is not a whole MiB', async () => {
    const r = await cmd('split');
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `${join(root, 'models', 'ort-core', 'onnxruntime-1.29.0-cuda13')} cannot be split: no such folder, or no core.json in it`,
    );
    expect((await cmd('split', '--piece-mib', '0.5')).err).toContain(
      '--piece-mib takes a whole number of MiB, not 0.5',
    );
    expect((await cmd('join')).code).toBe(2);
  });
});
