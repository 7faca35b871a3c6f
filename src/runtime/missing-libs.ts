/**
 * Which libraries a provider library needs that the dynamic loader cannot find. onnxruntime's own error for a
 * provider that does not load says only "Failed to load shared library" (the name of the missing library goes to
 * its log), so the choice asks `ldd` beforehand and the reason can name what to install.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Runs `ldd` on a file; resolves to its output, or null where it cannot run. */
export type Ldd = (file: string) => Promise<string | null>;

/** The provider libraries whose needs are checked, by the provider they bring. */
export const PROVIDER_LIBS = {
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
} as const;

/** The names `ldd` reports as `=> not found`, in its order. */
export function notFound(lddOutput: string): string[] {
  return [...lddOutput.matchAll(/^\s*(\S+)\s+=>\s+not found\s*$/gm)].map((m) => m[1]!);
}

/** Runs the system's ldd (on the library path of this process: LD_LIBRARY_PATH and the loader's cache). */
export const systemLdd: Ldd = (file) =>
  new Promise((resolve) => {
    // ldd exits 1 on some errors but still prints what it resolved; its stdout is what counts.
    execFile('ldd', [file], { timeout: 10_000 }, (err, stdout) => resolve(stdout || (err ? null : '')));
  });

/**
 * For each provider library present in `nativeDir`, the libraries it needs that cannot be found (empty when all
 * are); providers without their library, or where ldd cannot run, are left out.
 */
export async function missingProviderLibs(
  nativeDir: string,
  ldd: Ldd = systemLdd,
): Promise<Partial<Record<keyof typeof PROVIDER_LIBS, string[]>>> {
  const out: Partial<Record<keyof typeof PROVIDER_LIBS, string[]>> = {};
  for (const [ep, lib] of Object.entries(PROVIDER_LIBS) as [keyof typeof PROVIDER_LIBS, string][]) {
    const file = join(nativeDir, lib);
    if (!existsSync(file)) continue;
    const text = await ldd(file);
    if (text !== null) out[ep] = notFound(text);
  }
  return out;
}
