/**
 * Which onnxruntime-node the sessions load: the bundled one (package.json), or an assembled core named by
 * `DAYDREAM_SCOPE_ORT_CORE` — onnxruntime-node of another version with provider libraries (CUDA, TensorRT) beside
 * its libonnxruntime, as `daydream-scope cuda-core` makes it (src/cuda-core/). A process holds one of them only:
 * both native libraries are named libonnxruntime.so.1, and the dynamic loader hands a second binding the one
 * already loaded. So the server, its worker thread and its pipeline processes each resolve the setting here, the
 * same way, and a core that cannot be used leaves every one of them on the bundled onnxruntime-node, with a
 * sentence saying why; the server starts either way.
 */
import { scopeEnv } from '../flag-env';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type * as Ort from 'onnxruntime-node';

/** The file that makes a folder an assembled core; written last by the assembly. */
export const CORE_MANIFEST = 'core.json';

export const coreManifestSchema = z.object({
  /** The onnxruntime version of the core and of its provider libraries (they load only into their own version). */
  onnxruntime: z.string().min(1),
  /** The package the provider libraries came from, for messages. */
  providers: z.object({ name: z.string().min(1), version: z.string().min(1) }),
  /** The CUDA major version the CUDA provider library was built against (its libraries are named `.so.<major>`). */
  cuda: z.string().min(1),
  /** Every file of the core, relative to its folder, with its size: a copy cut short is caught at start. */
  files: z.record(z.string(), z.number().int().nonnegative()),
});
export type CoreManifest = z.infer<typeof coreManifestSchema>;

/** Where the core's onnxruntime-node package lies inside the core folder (its onnxruntime-common beside it). */
export const corePackageDir = (core: string) => join(core, 'node_modules', 'onnxruntime-node');
/** The core's native folder: libonnxruntime.so.1, the binding, and the provider libraries beside them. */
export const coreNativeDir = (core: string) => join(corePackageDir(core), 'bin', 'napi-v6', 'linux', 'x64');

/** The onnxruntime-node a process loads, and why an asked-for core is not it. */
export interface OrtCore {
  /** Folder of the onnxruntime-node package loaded; null when even the bundled one cannot be found. */
  packageDir: string | null;
  /** The assembled core in use, with its manifest; null when the bundled onnxruntime-node is. */
  core: { dir: string; manifest: CoreManifest } | null;
  /** Why the core named by DAYDREAM_SCOPE_ORT_CORE is not used; null when none is named, or it is used. */
  problem: string | null;
}

const require = createRequire(import.meta.url);

/** Checks an assembled core folder: its manifest, every file it lists at its size, and the platform. */
export function checkCore(dir: string, platform = `${process.platform}/${process.arch}`): CoreManifest | string {
  let text: string;
  try {
    if (!statSync(dir).isDirectory()) return 'not a folder';
    text = readFileSync(join(dir, CORE_MANIFEST), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `no such folder, or no ${CORE_MANIFEST} in it (not an assembled core)`;
    return (err as Error).message;
  }
  let manifest: CoreManifest;
  try {
    const parsed = coreManifestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return `its ${CORE_MANIFEST} is not valid (${parsed.error.issues[0]?.message ?? ''})`;
    manifest = parsed.data;
  } catch (err) {
    return `its ${CORE_MANIFEST} is not JSON (${(err as Error).message})`;
  }
  // The core's native libraries exist for Linux x64 only (the provider build is for that platform).
  if (platform !== 'linux/x64') return `it holds a Linux x64 core, and this is ${platform}`;
  for (const [file, size] of Object.entries(manifest.files)) {
    let actual: number;
    try {
      actual = statSync(join(dir, file)).size;
    } catch {
      return `${file} is missing (a copy cut short?)`;
    }
    if (actual !== size) return `${file} has ${actual} bytes where ${CORE_MANIFEST} says ${size} (a copy cut short?)`;
  }
  return manifest;
}

function bundledDir(): string | null {
  try {
    return dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return null;
  }
}

/** The version in an onnxruntime-node package's package.json; null when it cannot be read. */
export function packageVersion(dir: string): string | null {
  try {
    const pkg = z
      .object({ version: z.string() })
      .safeParse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
    return pkg.success ? pkg.data.version : null;
  } catch {
    return null;
  }
}

/** The folders `bin/napi-v*\/<platform>/<arch>/` of an onnxruntime-node package that exist. */
function nativeDirs(ortDir: string): string[] {
  const bin = join(ortDir, 'bin');
  const napi = existsSync(bin) ? readdirSync(bin).filter((d) => d.startsWith('napi-v')) : [];
  return napi.map((d) => join(bin, d, process.platform, process.arch)).filter((dir) => existsSync(dir));
}

/** The package's native folder for this platform (libonnxruntime, the binding, provider libraries), if any. */
export const nativeDir = (ortDir: string): string | null => nativeDirs(ortDir)[0] ?? null;

/** File names in the package's native folders for this platform. */
export function nativeFiles(ortDir: string): string[] {
  return [...new Set(nativeDirs(ortDir).flatMap((dir) => readdirSync(dir)))].sort();
}

const bundledVersion = (dir: string | null) => {
  const version = dir ? packageVersion(dir) : null;
  return version ? ` ${version}` : '';
};

const unused = (value: string, why: string) =>
  `DAYDREAM_SCOPE_ORT_CORE=${value} cannot be used: ${why}; assemble it with \`daydream-scope cuda-core\` ` +
  `(docs/gpu.md). The bundled onnxruntime-node${bundledVersion(bundledDir())} runs the sessions`;

/** Resolves the setting without loading anything: the core's folder when it checks out, else the bundled one. */
export function resolveOrtCore(env: NodeJS.ProcessEnv = process.env): OrtCore {
  const value = scopeEnv('DAYDREAM_SCOPE_ORT_CORE', env)?.trim();
  if (!value) return { packageDir: bundledDir(), core: null, problem: null };
  const dir = resolve(value);
  const checked = checkCore(dir);
  if (typeof checked === 'string') return { packageDir: bundledDir(), core: null, problem: unused(value, checked) };
  return { packageDir: corePackageDir(dir), core: { dir, manifest: checked }, problem: null };
}

type OrtModule = typeof Ort;
let loaded: { key: string; ort: OrtModule; core: OrtCore } | undefined;

/**
 * Loads onnxruntime-node as the setting says (once per thread): the core's, or the bundled one when the core is not
 * usable or does not load. Throws only when the bundled one cannot be loaded either.
 */
export function loadOrt(env: NodeJS.ProcessEnv = process.env): { ort: OrtModule; core: OrtCore } {
  const key = scopeEnv('DAYDREAM_SCOPE_ORT_CORE', env) ?? '';
  if (loaded?.key === key) return loaded;
  let core = resolveOrtCore(env);
  let ort: OrtModule;
  if (core.core) {
    try {
      ort = require(core.packageDir!) as OrtModule;
    } catch (err) {
      const why = `its onnxruntime-node did not load (${(err as Error).message.split('\n')[0]})`;
      // A failed dlopen unloads what it loaded, so the bundled library can still come in after it. A binding that
      // loaded and then failed in its JavaScript leaves the core's libonnxruntime.so.1 in the process, and the
      // bundled binding would bind to it (the same name): two versions in one process, so refuse instead.
      if (coreLibraryMapped(core.core.dir))
        throw new Error(
          `DAYDREAM_SCOPE_ORT_CORE=${key}: ${why} after its library was loaded, so the bundled onnxruntime-node ` +
            'cannot load beside it in this process; assemble the core again (daydream-scope cuda-core) or unset it',
          { cause: err },
        );
      core = { packageDir: bundledDir(), core: null, problem: unused(key, why) };
      ort = require('onnxruntime-node') as OrtModule;
    }
  } else {
    ort = require('onnxruntime-node') as OrtModule;
  }
  loaded = { key, ort, core };
  return loaded;
}

/** Whether the core's native library is mapped into this process (Linux; elsewhere there is no core). */
export function coreLibraryMapped(dir: string, maps = '/proc/self/maps'): boolean {
  try {
    return readFileSync(maps, 'utf8').includes(join(coreNativeDir(dir), 'libonnxruntime.so.1'));
  } catch {
    return false;
  }
}
