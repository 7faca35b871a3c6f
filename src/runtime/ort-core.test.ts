import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_MANIFEST, checkCore, coreNativeDir, corePackageDir, loadOrt, resolveOrtCore } from './ort-core';
import { CUDA_CORE, coreName } from '../cuda-core/pins';

const linux = process.platform === 'linux' && process.arch === 'x64';

/** A folder laid out as an assembled core, with a manifest, and nothing that loads. */
async function fakeCore(root: string): Promise<string> {
  const dir = join(root, 'core');
  await mkdir(coreNativeDir(dir), { recursive: true });
  await writeFile(join(corePackageDir(dir), 'package.json'), '{"name":"onnxruntime-node","version":"1.29.0"}');
  await writeFile(join(coreNativeDir(dir), 'libonnxruntime.so.1'), 'x'.repeat(100));
  const manifest = {
    onnxruntime: '1.29.0',
    providers: { name: 'p', version: '0.4.9' },
    cuda: '13',
    files: {
      'node_modules/onnxruntime-node/package.json': 46,
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1': 100,
    },
  };
  await writeFile(join(dir, CORE_MANIFEST), JSON.stringify(manifest));
  return dir;
}

describe('DAYDREAM_SCOPE_ORT_CORE', () => {
  it.skipIf(!linux)('a core whose onnxruntime-node does not load: the bundled one, and why', async () => {
    const dir = await fakeCore(join(root, 'broken'));
    // No "main" in its package.json: require() takes index.js, which fails as a binding that does not load would.
    await writeFile(join(corePackageDir(dir), 'index.js'), "throw new Error('cannot open libonnxruntime.so.1');");
    const { ort, core } = loadOrt({ DAYDREAM_SCOPE_ORT_CORE: dir });
    expect(core.core).toBeNull();
    expect(core.problem).toMatch(
      /cannot be used: its onnxruntime-node did not load \(cannot open libonnxruntime\.so\.1\); .*The bundled onnxruntime-node 1\.30\.\d+ runs the sessions$/,
    );
    expect(core.packageDir).toMatch(/node_modules[/\\]onnxruntime-node$/);
    expect(typeof ort.InferenceSession.create).toBe('function');
  });

  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ort-core-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('unset: the bundled onnxruntime-node, no problem', () => {
    const r = resolveOrtCore({});
    expect(r.core).toBeNull();
    expect(r.problem).toBeNull();
    expect(r.packageDir).toMatch(/node_modules[/\\]onnxruntime-node$/);
  });

  it.skipIf(!linux)('a core that checks out is the one loaded', async () => {
    const dir = await fakeCore(join(root, 'good'));
    const r = resolveOrtCore({ DAYDREAM_SCOPE_ORT_CORE: dir });
    expect(r.problem).toBeNull();
    expect(r.core?.manifest.onnxruntime).toBe('1.29.0');
    expect(r.packageDir).toBe(corePackageDir(dir));
  });

  it('a missing, unassembled or cut-short folder: a sentence, and the bundled onnxruntime-node', async () => {
    const missing = resolveOrtCore({ DAYDREAM_SCOPE_ORT_CORE: join(root, 'nowhere') });
    expect(missing.core).toBeNull();
    expect(missing.packageDir).toMatch(/node_modules[/\\]onnxruntime-node$/);
    expect(missing.problem).toMatch(
      /^DAYDREAM_SCOPE_ORT_CORE=.*nowhere cannot be used: no such folder, or no core\.json in it .*daydream-scope cuda-core.*The bundled onnxruntime-node 1\.30\.\d+ runs the sessions$/,
    );
    const bare = join(root, 'bare');
    await mkdir(bare);
    expect(checkCore(bare, 'linux/x64')).toMatch(/no core\.json/);
    await writeFile(join(bare, CORE_MANIFEST), '{"onnxruntime": 1}');
    expect(checkCore(bare, 'linux/x64')).toMatch(/its core\.json is not valid/);

    const cut = await fakeCore(join(root, 'cut'));
    await truncate(join(coreNativeDir(cut), 'libonnxruntime.so.1'), 60);
    expect(checkCore(cut, 'linux/x64')).toBe(
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1 has 60 bytes where core.json says 100 (a copy cut short?)',
    );
    await rm(join(corePackageDir(cut), 'package.json'));
    expect(checkCore(cut, 'linux/x64')).toMatch(/onnxruntime-node\/package\.json is missing/);
    expect(checkCore(await fakeCore(join(root, 'mac')), 'darwin/arm64')).toBe(
      'it holds a Linux x64 core, and this is darwin/arm64',
    );
  });
});

// The real core, assembled by hand with `daydream-scope cuda-core --dir .cuda-core` (it takes the npm registry and
// 290 MB of tarballs, so the test does not fetch it). Each case runs in a process of its own: this one holds the
// bundled libonnxruntime.so.1 already.
const real = resolve(import.meta.dirname, '..', '..', '.cuda-core', coreName(CUDA_CORE));

function runWith(core: string, ...args: string[]): Promise<Record<string, unknown>> {
  const script = join(import.meta.dirname, 'test-ort-core-run.ts');
  const env = { ...process.env, DAYDREAM_SCOPE_ORT_CORE: core };
  return new Promise((done, fail) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { env }, (err, stdout, stderr) => {
      if (err) return fail(new Error(`${err.message}\n${stderr}`));
      done(JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>);
    });
  });
}

// .ci/run assembles the core from the npm registry before the tests (`daydream-scope cuda-core --dir .cuda-core`),
// so in CI these run, and fail when it is missing; on a developer's machine they run once the same command has.
const assembled = existsSync(real) || process.env.CI === 'true';
describe.skipIf(!linux || !assembled)(`the onnxruntime 1.29 core in .cuda-core`, () => {
  const lib = join(coreNativeDir(real), 'libonnxruntime.so.1');

  it.each([
    ['worker thread', 'worker'],
    ['pipeline process', 'child'],
    ['server thread', 'in-process'],
  ])('runs a graph on the CPU provider with sessions in the %s', async (_where, p) => {
    const r = await runWith(real, p, 'cpu');
    expect(r.y).toEqual([-1, 2]);
    expect(r.provider).toBe('cpu');
    expect(r.log).toContain(`onnxruntime: the 1.29.0 core at ${real}`);
    // Only the core's library is in the process (and in the pipeline process), never the bundled one beside it.
    expect(r.here).toEqual([lib]);
    expect(r.child).toEqual(p === 'child' ? [lib] : null);
  });

  it('a core whose binding loads and whose JavaScript then fails: refused with a sentence, the bundled one not mixed in', async () => {
    // A copy of the core (hard links) whose entry point loads the native binding, so its libonnxruntime.so.1 is
    // mapped, and then throws, as a damaged onnxruntime-common would.
    const copy = join(await mkdtemp(join(tmpdir(), 'late-core-')), 'core');
    await new Promise<void>((done, fail) => execFile('cp', ['-al', real, copy], (err) => (err ? fail(err) : done())));
    const entry = 'node_modules/onnxruntime-node/dist/index.js';
    await rm(join(copy, entry));
    const js = "require('../bin/napi-v6/linux/x64/onnxruntime_binding.node');\nthrow new Error('late failure');\n";
    await writeFile(join(copy, entry), js);
    const manifest = JSON.parse(await readFile(join(copy, CORE_MANIFEST), 'utf8')) as { files: Record<string, number> };
    manifest.files[entry] = Buffer.byteLength(js);
    await rm(join(copy, CORE_MANIFEST));
    await writeFile(join(copy, CORE_MANIFEST), JSON.stringify(manifest));
    const code = `import { loadOrt } from ${JSON.stringify(join(import.meta.dirname, 'ort-core.ts'))};
      try { loadOrt(); console.log('loaded'); } catch (e) { console.log(e.message); }`;
    const out = await new Promise<string>((done, fail) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', code],
        { env: { ...process.env, DAYDREAM_SCOPE_ORT_CORE: copy } },
        (err, stdout, stderr) => (err ? fail(new Error(`${err.message}\n${stderr}`)) : done(stdout.trim())),
      ),
    );
    expect(out).toBe(
      `DAYDREAM_SCOPE_ORT_CORE=${copy}: its onnxruntime-node did not load (late failure) after its library was ` +
        'loaded, so the bundled onnxruntime-node cannot load beside it in this process; assemble the core again ' +
        '(daydream-scope cuda-core) or unset it',
    );
    await rm(dirname(copy), { recursive: true, force: true });
  });

  // Where a GPU and its libraries are, CUDA may start: these two are about a machine where it cannot.
  const gpu = existsSync('/proc/driver/nvidia');
  it.skipIf(gpu)(
    'asked for CUDA on a machine without the CUDA libraries: the missing ones named, the CPU used',
    async () => {
      const r = await runWith(real, 'worker', 'cuda');
      expect(r.y).toEqual([-1, 2]);
      expect(r.provider).toBe('cpu');
      expect(r.reason).toMatch(
        /^CUDA requested but the CUDA provider library of the onnxruntime 1\.29\.0 core at .* cannot load: .*libcublas\.so\.13.* not found \(CUDA 13's libraries .*LD_LIBRARY_PATH.*; using CPU$/,
      );
    },
  );

  it.skipIf(gpu)('a CUDA session that cannot start falls back to the CPU, in the pipeline process too', async () => {
    const r = await runWith(real, 'child', 'cuda', 'claim-gpu');
    expect(r.y).toEqual([-1, 2]);
    expect(r.provider).toBe('cpu');
    expect(r.reason).toMatch(
      /^cuda was chosen \(CUDA requested on a GPU the test claims\) but could not start a session: .*Failed to load shared library \(the CUDA provider needs the CUDA 13 and cuDNN 9 libraries/,
    );
  });
});

describe.skipIf(!linux)('a core that cannot be used', () => {
  it('leaves the server on the bundled onnxruntime-node, and says why', async () => {
    const r = await runWith('/nonexistent/core', 'child', 'cpu');
    expect(r.y).toEqual([-1, 2]);
    expect((r.log as string[])[0]).toMatch(/^onnxruntime: DAYDREAM_SCOPE_ORT_CORE=\/nonexistent\/core cannot be used/);
    expect((r.here as string[])[0]).toMatch(
      /node_modules\/onnxruntime-node\/bin\/napi-v6\/linux\/x64\/libonnxruntime\.so\.1$/,
    );
    expect(r.child).toEqual(r.here);
  });
});
