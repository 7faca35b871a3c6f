import { existsSync, readdirSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCore, coreNativeDir, corePackageDir } from '../runtime/ort-core';
import { assembleCore } from './assemble';
import { coreName } from './pins';
import { run } from './tarballs';
import type { Run } from './tarballs';
import { fakeTarballs } from './test-tarballs';

let root: string;
let tarballs: string;
let parent: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cuda-core-'));
  tarballs = join(root, 'tarballs');
  parent = join(root, 'models', 'ort-core');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const paired = { node: '1.29.0', common: '1.29.0', provider: '1.29.0' };
/** Nothing of a refused assembly is left: no core, no half-built folder beside it. */
const leftovers = () => (existsSync(parent) ? readdirSync(parent) : []);

describe('assembleCore from local tarballs', () => {
  it('places the provider libraries beside libonnxruntime.so.1, with onnxruntime-common beside the package', async () => {
    const pins = fakeTarballs(root, tarballs, paired);
    const logs: string[] = [];
    const { dir, manifest } = await assembleCore({ pins, parent, tarballs, log: (m) => logs.push(m) });
    expect(dir).toBe(join(parent, coreName(pins)));
    expect(readdirSync(coreNativeDir(dir)).sort()).toEqual([
      'libonnxruntime.so.1',
      'libonnxruntime_providers_cuda.so',
      'libonnxruntime_providers_shared.so',
      'libonnxruntime_providers_tensorrt.so',
      'onnxruntime_binding.node',
    ]);
    // Linux x64 only: the other platforms' libraries and the Unity .meta files stay out.
    expect(readdirSync(join(corePackageDir(dir), 'bin', 'napi-v6'))).toEqual(['linux']);
    expect(JSON.parse(await readFile(join(dir, 'node_modules/onnxruntime-common/package.json'), 'utf8')).version).toBe(
      '1.29.0',
    );
    expect(manifest).toMatchObject({ onnxruntime: '1.29.0', cuda: '13', providers: { version: '0.4.9' } });
    expect(manifest.files['node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so']).toBe(
      5012,
    );
    expect(checkCore(dir, 'linux/x64')).toEqual(manifest);
    expect(leftovers()).toEqual([coreName(pins)]);
    expect(logs.at(-1)).toBe(`assembled the onnxruntime 1.29.0 core with CUDA 13 providers in ${dir}`);
  });

  it('replaces an earlier core whole', async () => {
    const pins = fakeTarballs(root, tarballs, paired);
    const { dir } = await assembleCore({ pins, parent, tarballs });
    await appendFile(join(dir, 'stale-file'), 'x');
    await assembleCore({ pins, parent, tarballs });
    expect(existsSync(join(dir, 'stale-file'))).toBe(false);
    expect(leftovers()).toEqual([coreName(pins)]);
  });

  it('refuses a tarball whose sha512 is not npm integrity, before unpacking anything', async () => {
    const pins = fakeTarballs(root, tarballs, paired);
    await appendFile(join(tarballs, 'onnxruntime-common-1.29.0.tgz'), 'tampered');
    await expect(assembleCore({ pins, parent, tarballs })).rejects.toThrow(
      /onnxruntime-common-1\.29\.0\.tgz is not onnxruntime-common@1\.29\.0 as npm published it: its sha512 is \S+, npm's integrity says \S+; nothing was assembled/,
    );
    expect(leftovers()).toEqual([]);
  });

  it('refuses an onnxruntime-node whose version is not the one the providers were built for', async () => {
    const pins = fakeTarballs(root, tarballs, { node: '1.30.0', common: '1.30.0', provider: '1.29.0' });
    await expect(assembleCore({ pins, parent, tarballs })).rejects.toThrow(
      'onnxruntime-node 1.30.0 (libonnxruntime 1.30.0) does not pair with the CUDA provider of ' +
        'com.github.asus4.onnxruntime.linux-x64-gpu 0.4.9, built for onnxruntime 1.29.0: a provider library loads ' +
        'only into the core of its own version; nothing was assembled (use onnxruntime-node@1.29.0)',
    );
    expect(leftovers()).toEqual([]);
  });

  it('refuses an onnxruntime-common of another version, and a provider that names no version', async () => {
    let pins = fakeTarballs(root, tarballs, { ...paired, common: '1.28.0' });
    await expect(assembleCore({ pins, parent, tarballs })).rejects.toThrow(
      'onnxruntime-node 1.29.0 requires onnxruntime-common 1.29.0, and the tarball holds 1.28.0; nothing was assembled',
    );
    pins = fakeTarballs(root, tarballs, { ...paired, provider: null });
    await expect(assembleCore({ pins, parent, tarballs })).rejects.toThrow(
      /the CUDA provider of com\.github\.asus4\.onnxruntime\.linux-x64-gpu 0\.4\.9 names no onnxruntime version/,
    );
    expect(leftovers()).toEqual([]);
  });

  it('fetches with npm pack when no folder is given, and says what to do when npm cannot', async () => {
    const pins = fakeTarballs(root, tarballs, paired);
    const calls: string[][] = [];
    // npm here copies from the folder, as `npm pack` from its registry would write the file and name it.
    const npm: Run = async (command, args, cwd) => {
      if (command !== 'npm') return run(command, args, cwd);
      calls.push(args);
      const name = `${args[1]!.replace('@', '-')}.tgz`;
      const r = await run('cp', [join(tarballs, name), join(args[3]!, name)], cwd);
      return { ...r, stdout: JSON.stringify([{ filename: name, integrity: 'not read' }]) };
    };
    await assembleCore({ pins, parent, run: npm });
    expect(calls.map((a) => a.slice(0, 2).join(' '))).toEqual([
      'pack onnxruntime-node@1.29.0',
      'pack onnxruntime-common@1.29.0',
      'pack com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9',
    ]);
    const offline: Run = async (command, args, cwd) =>
      command === 'npm'
        ? { code: 1, stdout: '', stderr: 'npm error code ENOTFOUND\nnpm error network request failed\n' }
        : run(command, args, cwd);
    await rm(parent, { recursive: true });
    await expect(assembleCore({ pins, parent, run: offline })).rejects.toThrow(
      'npm pack onnxruntime-node@1.29.0 failed (npm error network request failed): assembling needs the npm ' +
        'registry, or --tarballs <folder> holding onnxruntime-node-1.29.0.tgz',
    );
    expect(leftovers()).toEqual([]);
  });
});
