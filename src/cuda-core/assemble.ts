/**
 * Assembles a CUDA-capable onnxruntime core from npm tarballs alone: onnxruntime-node (its JavaScript, binding and
 * libonnxruntime.so.1 for Linux x64) with its onnxruntime-common, and the provider libraries of the same
 * onnxruntime version placed beside libonnxruntime.so.1 — where onnxruntime's binding, which registers CUDA and
 * TensorRT as shared providers, loads them from. Every tarball is checked against npm's integrity first, the
 * versions inside against each other next; a mismatch is refused with a sentence and nothing is left behind. The
 * folder appears whole or not at all (built beside, renamed into place, core.json written last).
 */
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { CORE_MANIFEST, coreNativeDir, corePackageDir } from '../runtime/ort-core';
import type { CoreManifest } from '../runtime/ort-core';
import { PROVIDER_LIBS } from '../runtime/missing-libs';
import { ortVersionOf } from './binary-version';
import { coreName } from './pins';
import type { CorePins, TarballPin } from './pins';
import { extractMembers, localTarball, packTarball, run, verifyIntegrity } from './tarballs';
import type { Run } from './tarballs';

/** The libraries taken from the provider package: the bridge every shared provider needs, and the providers. */
export const PROVIDER_FILES = ['libonnxruntime_providers_shared.so', ...Object.values(PROVIDER_LIBS)];
/** What onnxruntime-node must hold for Linux x64. */
const NATIVE = 'bin/napi-v6/linux/x64';
const CORE_FILES = ['libonnxruntime.so.1', 'onnxruntime_binding.node'];

export interface AssembleOptions {
  pins: CorePins;
  /** The core is made in `<parent>/<coreName>`, replacing one there. */
  parent: string;
  /** A folder holding the three tarballs as npm pack names them; unset: `npm pack` fetches them. */
  tarballs: string | undefined;
  /** Runs npm and tar; tests pass their own. */
  run: Run;
  log: (message: string) => void;
}

const defaults: Omit<AssembleOptions, 'pins' | 'parent'> = { tarballs: undefined, run, log: () => {} };

const packageJson = z.object({
  name: z.string(),
  version: z.string(),
  dependencies: z.record(z.string(), z.string()).optional(),
});

async function readPackage(dir: string, what: string): Promise<z.infer<typeof packageJson>> {
  const parsed = packageJson.safeParse(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')));
  if (!parsed.success) throw new Error(`the package.json of ${what} is not one npm would write`);
  return parsed.data;
}

/** Assembles the core and answers its folder and manifest; throws a sentence when it cannot, leaving nothing. */
export async function assembleCore(options: Partial<AssembleOptions> & Pick<AssembleOptions, 'pins' | 'parent'>) {
  const o = { ...defaults, ...options } satisfies AssembleOptions;
  await mkdir(o.parent, { recursive: true });
  // Beside the target, so the finished folder is renamed into place on the same disk.
  const work = await mkdtemp(join(o.parent, '.assembling-'));
  try {
    const unpacked = await unpack(o, work);
    const versions = await checkVersions(o.pins, unpacked);
    const core = join(work, 'core');
    await place(unpacked, o.pins.providers.libDir, core);
    const manifest: CoreManifest = {
      onnxruntime: versions.onnxruntime,
      providers: { name: o.pins.providers.name, version: o.pins.providers.version },
      cuda: o.pins.cuda,
      files: await sizes(core),
    };
    await writeFile(join(core, CORE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const dir = join(o.parent, coreName(o.pins));
    await rm(dir, { recursive: true, force: true });
    await rename(core, dir);
    o.log(`assembled the onnxruntime ${manifest.onnxruntime} core with CUDA ${manifest.cuda} providers in ${dir}`);
    return { dir, manifest };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface Unpacked {
  node: string;
  common: string;
  providers: string;
}

async function unpack(o: AssembleOptions, work: string): Promise<Unpacked> {
  const tgz = join(work, 'tarballs');
  await mkdir(tgz);
  const fetch = async (pin: TarballPin) => {
    o.log(`${o.tarballs ? 'reading' : 'fetching'} ${pin.name}@${pin.version}`);
    const file = o.tarballs ? localTarball(pin, o.tarballs) : await packTarball(pin, tgz, o.run);
    await verifyIntegrity(file, pin);
    return file;
  };
  const { node, common, providers } = o.pins;
  // All three are checked before any is unpacked.
  const files = [await fetch(node), await fetch(common), await fetch(providers)] as const;
  const out: Unpacked = { node: join(work, 'node'), common: join(work, 'common'), providers: join(work, 'providers') };
  for (const dir of Object.values(out)) await mkdir(dir);
  const lib = (f: string) => `package/${providers.libDir}/${f}`;
  await extractMembers(files[0], out.node, ['package/package.json', 'package/dist', `package/${NATIVE}`], o.run);
  await extractMembers(files[1], out.common, ['package/package.json', 'package/dist'], o.run);
  await extractMembers(files[2], out.providers, ['package/package.json', ...PROVIDER_FILES.map(lib)], o.run);
  return {
    node: join(out.node, 'package'),
    common: join(out.common, 'package'),
    providers: join(out.providers, 'package'),
  };
}

/** Reads the versions inside the tarballs and refuses any pair that would not load together. */
async function checkVersions(pins: CorePins, u: Unpacked): Promise<{ onnxruntime: string }> {
  const node = await readPackage(u.node, pins.node.name);
  const common = await readPackage(u.common, pins.common.name);
  const wants = node.dependencies?.['onnxruntime-common'];
  if (wants !== undefined && wants !== common.version) {
    throw new Error(
      `onnxruntime-node ${node.version} requires onnxruntime-common ${wants}, and the tarball holds ${common.version}; nothing was assembled`,
    );
  }
  const native = join(u.node, NATIVE);
  const present = await readdir(native).catch(() => [] as string[]);
  const absent = CORE_FILES.filter((f) => !present.includes(f));
  if (absent.length) throw new Error(`onnxruntime-node ${node.version} has no ${absent.join(', ')} in ${NATIVE}`);
  const coreVersion = await ortVersionOf(
    join(native, 'libonnxruntime.so.1'),
    `libonnxruntime.so.1 of onnxruntime-node ${node.version}`,
  );
  if (typeof coreVersion !== 'string') throw new Error(`${coreVersion.problem}; nothing was assembled`);
  const from = `${pins.providers.name} ${pins.providers.version}`;
  const provider = await ortVersionOf(
    join(u.providers, pins.providers.libDir, PROVIDER_LIBS.cuda),
    `the CUDA provider of ${from}`,
  );
  if (typeof provider !== 'string') throw new Error(`${provider.problem}; nothing was assembled`);
  if (provider !== coreVersion || node.version !== coreVersion) {
    throw new Error(
      `onnxruntime-node ${node.version} (libonnxruntime ${coreVersion}) does not pair with the CUDA provider of ${from}, ` +
        `built for onnxruntime ${provider}: a provider library loads only into the core of its own version; ` +
        `nothing was assembled (use onnxruntime-node@${provider})`,
    );
  }
  return { onnxruntime: coreVersion };
}

/** Lays the core out: node_modules/{onnxruntime-node,onnxruntime-common}, the providers beside libonnxruntime. */
async function place(u: Unpacked, libDir: string, core: string): Promise<void> {
  await mkdir(join(core, 'node_modules'), { recursive: true });
  await rename(u.node, corePackageDir(core));
  await rename(u.common, join(core, 'node_modules', 'onnxruntime-common'));
  for (const f of PROVIDER_FILES) await rename(join(u.providers, libDir, f), join(coreNativeDir(core), f));
}

/** Every file under `dir` with its size, by path relative to it (forward slashes). */
async function sizes(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out[relative(dir, path).split('\\').join('/')] = (await stat(path)).size;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
