/**
 * Small stand-ins for the three tarballs a core is made of, laid out as the real ones (npm's `package/` folder,
 * onnxruntime-node's bin/napi-v6/<platform>/<arch>, the Unity package's Plugins/Linux/x64 with .meta files), with
 * the onnxruntime version written into the libraries as onnxruntime writes it; and pins that match them.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CUDA_CORE, tarballName } from './pins';
import type { CorePins, TarballPin } from './pins';

export interface FakeVersions {
  /** onnxruntime-node's package.json and its libonnxruntime.so.1. */
  node: string;
  /** onnxruntime-common's package.json. */
  common: string;
  /** What the CUDA provider library names; null names none. */
  provider: string | null;
}

const lib = (version: string | null, size: number) =>
  Buffer.concat([Buffer.alloc(size, 0x90), Buffer.from(version ? `\0${version}\0` : '\0\0'), Buffer.from('\0end')]);

function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  }
}

function pack(dir: string, out: string, pin: Omit<TarballPin, 'integrity'>, files: Record<string, string | Buffer>) {
  const src = join(dir, `src-${pin.name}`);
  rmSync(src, { recursive: true, force: true });
  write(join(src, 'package'), files);
  const file = join(out, tarballName({ ...pin, integrity: '' }));
  execFileSync('tar', ['-czf', file, '-C', src, 'package']);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
  return { ...pin, integrity };
}

/** Writes the three tarballs into `out` and answers pins (the real names, the fakes' integrity). */
export function fakeTarballs(work: string, out: string, v: FakeVersions): CorePins {
  mkdirSync(out, { recursive: true });
  const x64 = 'bin/napi-v6/linux/x64';
  const node = pack(
    work,
    out,
    { name: 'onnxruntime-node', version: v.node },
    {
      'package.json': JSON.stringify({
        name: 'onnxruntime-node',
        version: v.node,
        main: 'dist/index.js',
        dependencies: { 'onnxruntime-common': v.node },
      }),
      'dist/index.js': 'module.exports = {};\n',
      'README.md': 'readme\n',
      [`${x64}/libonnxruntime.so.1`]: lib(v.node, 3000),
      [`${x64}/onnxruntime_binding.node`]: lib(null, 500),
      'bin/napi-v6/darwin/arm64/libonnxruntime.1.dylib': lib(v.node, 100),
      'bin/napi-v6/win32/x64/onnxruntime.dll': lib(v.node, 100),
    },
  );
  const common = pack(
    work,
    out,
    { name: 'onnxruntime-common', version: v.common },
    {
      'package.json': JSON.stringify({ name: 'onnxruntime-common', version: v.common, main: 'dist/cjs/index.js' }),
      'dist/cjs/index.js': 'module.exports = {};\n',
      'lib/index.ts': 'export {};\n',
    },
  );
  const plugins = 'Plugins/Linux/x64';
  const providers = pack(
    work,
    out,
    { name: CUDA_CORE.providers.name, version: CUDA_CORE.providers.version },
    {
      'package.json': JSON.stringify({ name: CUDA_CORE.providers.name, version: CUDA_CORE.providers.version }),
      [`${plugins}/libonnxruntime_providers_cuda.so`]: lib(v.provider, 5000),
      [`${plugins}/libonnxruntime_providers_cuda.so.meta`]: 'guid: 1\n',
      [`${plugins}/libonnxruntime_providers_shared.so`]: lib(null, 200),
      [`${plugins}/libonnxruntime_providers_shared.so.meta`]: 'guid: 2\n',
      [`${plugins}/libonnxruntime_providers_tensorrt.so`]: lib(v.provider, 700),
      [`${plugins}/libonnxruntime_providers_tensorrt.so.meta`]: 'guid: 3\n',
    },
  );
  return { ...CUDA_CORE, node, common, providers: { ...providers, libDir: CUDA_CORE.providers.libDir } };
}
