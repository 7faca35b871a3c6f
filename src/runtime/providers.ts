/**
 * Which onnxruntime execution provider runs the sessions. The choice is a pure function of what was asked for
 * (`--device`, `DAYDREAM_SCOPE_DEVICE`) and of facts about the installed onnxruntime-node and the machine, so every
 * fallback can be tested as a table; `probeFacts()` gathers those facts once at startup.
 */
import { scopeEnv } from '../flag-env';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { missingProviderLibs } from './missing-libs';
import type { Ldd } from './missing-libs';
import { loadOrt, nativeDir, nativeFiles, packageVersion } from './ort-core';
import { probeWebGpu } from './webgpu-probe';
import type { WebGpuFacts } from './webgpu-probe';

export const deviceRequestSchema = z.enum(['auto', 'cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml']);
/** What the user asked for: a provider by name, or `auto`. */
export type DeviceRequest = z.infer<typeof deviceRequestSchema>;
export type ExecutionProvider = Exclude<DeviceRequest, 'auto'>;

/** What the choice depends on; all plain data so tests can write any machine down. */
export interface ProviderFacts {
  platform: string;
  arch: string;
  /** `listSupportedBackends()` of the installed onnxruntime-node; null where this version has no such function. */
  backends: { name: string; bundled: boolean }[] | null;
  /** File names in onnxruntime-node's native folder `bin/napi-v*\/<platform>/<arch>/` (provider libraries). */
  binaries: string[];
  /** The NVIDIA GPU the driver reports (its name), or null when there is none. */
  nvidiaGpu: string | null;
  /** Version of onnxruntime-node, for messages; null when it could not be read. */
  ortVersion: string | null;
  /** What the WebGPU probe found; null when it was not run (the request did not need it). */
  webgpu: WebGpuFacts | null;
  /** The assembled core loaded instead of the bundled onnxruntime-node (DAYDREAM_SCOPE_ORT_CORE); null: none. */
  core?: { dir: string; onnxruntime: string; cuda: string } | null;
  /** Why the core DAYDREAM_SCOPE_ORT_CORE names is not loaded; null when none is named, or it is. */
  coreProblem?: string | null;
  /** Libraries a provider library needs that the loader cannot find (ldd), per provider; absent: not checked. */
  missingLibs?: Partial<Record<'cuda' | 'tensorrt', string[]>>;
}

/** The outcome: the provider list handed to every session, and a sentence saying why. */
export interface ProviderChoice {
  requested: DeviceRequest;
  /** The first (preferred) provider; onnxruntime places nodes it cannot run on the next ones. */
  provider: ExecutionProvider;
  providers: ExecutionProvider[];
  reason: string;
}

const NAMES: Record<ExecutionProvider, string> = {
  cpu: 'CPU',
  cuda: 'CUDA',
  tensorrt: 'TensorRT',
  webgpu: 'WebGPU',
  dml: 'DirectML',
  coreml: 'CoreML',
};

/** How to get onnxruntime's CUDA and TensorRT provider libraries (Linux x64 only). */
export const CUDA_INSTALL_HINT =
  'install it with ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js, ' +
  'or assemble a CUDA core from npm with `daydream-scope cuda-core` and set DAYDREAM_SCOPE_ORT_CORE to it';

/** Where a provider's libraries come from, for a reason that names missing ones. */
function libsHint(ep: 'cuda' | 'tensorrt', f: ProviderFacts): string {
  const trt = ep === 'tensorrt' ? ', TensorRT 10' : '';
  if (!f.core) return `the CUDA 12 and cuDNN 9 libraries${trt} belong on the library path`;
  return (
    `CUDA ${f.core.cuda}'s libraries (cuBLAS, cuRAND, the runtime), cuDNN 9${trt} belong on LD_LIBRARY_PATH, ` +
    `e.g. the lib folders of pip's nvidia-* packages; libcuda.so.1 is the NVIDIA driver's`
  );
}

const hasBackend = (f: ProviderFacts, name: string) => f.backends?.some((b) => b.name === name) ?? false;
const hasFile = (f: ProviderFacts, ...names: string[]) => names.some((n) => f.binaries.includes(n));

/** Why the build or the machine cannot use a provider, or null when it can. */
export function unavailableReason(ep: ExecutionProvider, f: ProviderFacts): string | null {
  const build = f.core
    ? `the onnxruntime ${f.core.onnxruntime} core at ${f.core.dir}`
    : `this onnxruntime-node${f.ortVersion ? ` ${f.ortVersion}` : ''} build`;
  switch (ep) {
    case 'cpu':
      return null;
    case 'cuda':
    case 'tensorrt': {
      const lib = ep === 'cuda' ? 'cuda' : 'tensorrt';
      const compiledIn = f.backends === null || hasBackend(f, lib);
      if (!compiledIn || !(f.platform === 'linux' && f.arch === 'x64')) {
        const alt = f.platform === 'win32' ? ' (on Windows use --device dml, which runs on NVIDIA GPUs too)' : '';
        return `${build} has no ${NAMES[ep]} provider on ${f.platform}/${f.arch}: onnxruntime-node ships it for Linux x64 only${alt}`;
      }
      if (!hasFile(f, `libonnxruntime_providers_${lib}.so`) || !hasFile(f, 'libonnxruntime_providers_shared.so')) {
        return `${build} has no ${NAMES[ep]} provider: ${f.coreProblem ?? CUDA_INSTALL_HINT}`;
      }
      const noGpu = 'no NVIDIA GPU was found (no nvidia-smi, no /proc/driver/nvidia)';
      const missing = f.missingLibs?.[lib] ?? [];
      if (missing.length > 0) {
        return (
          `the ${NAMES[ep]} provider library of ${build} cannot load: ${missing.join(', ')} not found ` +
          `(${libsHint(lib, f)})${f.nvidiaGpu ? '' : `; and ${noGpu}`}`
        );
      }
      if (!f.nvidiaGpu) return noGpu;
      return null;
    }
    case 'webgpu':
      if (f.backends !== null && !hasBackend(f, 'webgpu')) {
        return `${build} has no WebGPU provider on ${f.platform}/${f.arch}`;
      }
      return f.webgpu && !f.webgpu.usable ? f.webgpu.reason : null;
    case 'dml':
      if (f.platform !== 'win32') return `DirectML exists on Windows only, this is ${f.platform}`;
      if (!hasBackend(f, 'dml') && !hasFile(f, 'DirectML.dll')) return `${build} has no DirectML provider`;
      return null;
    case 'coreml':
      if (f.platform !== 'darwin') return `CoreML exists on macOS only, this is ${f.platform}`;
      if (f.backends !== null && !hasBackend(f, 'coreml')) return `${build} has no CoreML provider`;
      return null;
  }
}

function listFor(ep: ExecutionProvider, f: ProviderFacts): ExecutionProvider[] {
  // TensorRT hands the operators it cannot build engines for to CUDA, and CUDA its leftovers to the CPU.
  if (ep === 'tensorrt' && unavailableReason('cuda', f) === null) return ['tensorrt', 'cuda', 'cpu'];
  return ep === 'cpu' ? ['cpu'] : [ep, 'cpu'];
}

/** Picks the execution providers for a request on a machine; never throws, falls back to CPU with a reason. */
export function chooseExecutionProvider(requested: DeviceRequest, facts: ProviderFacts): ProviderChoice {
  const pick = (provider: ExecutionProvider, reason: string): ProviderChoice => ({
    requested,
    provider,
    providers: listFor(provider, facts),
    reason,
  });
  if (requested === 'cpu') return pick('cpu', 'CPU requested');
  if (requested !== 'auto') {
    const why = unavailableReason(requested, facts);
    return why === null
      ? pick(requested, `${NAMES[requested]} requested${gpu(requested, facts)}`)
      : pick('cpu', `${NAMES[requested]} requested but ${why}; using CPU`);
  }
  // TensorRT is never chosen by `auto`: its first session compiles engines for minutes, which a show start cannot
  // wait for unannounced. CUDA starts in seconds. WebGPU only on an adapter the probe identified as hardware: a
  // software rasteriser is slower than the CPU provider.
  const candidates: ExecutionProvider[] = facts.nvidiaGpu
    ? ['cuda', 'webgpu', 'dml', 'coreml']
    : ['webgpu', 'dml', 'coreml'];
  for (const ep of candidates) {
    if (ep === 'webgpu' && !hardwareWebGpu(facts)) continue;
    if (unavailableReason(ep, facts) === null) return pick(ep, `auto: ${NAMES[ep]}${gpu(ep, facts)}`);
  }
  const skipped = facts.webgpu?.usable && facts.webgpu.adapter?.software ? `; ${softwareNote(facts.webgpu)}` : '';
  if (facts.nvidiaGpu) {
    return pick(
      'cpu',
      `auto: an NVIDIA GPU (${facts.nvidiaGpu}) is present but ${unavailableReason('cuda', facts)}${skipped}; using CPU`,
    );
  }
  const noWebGpu = facts.webgpu && !facts.webgpu.usable ? ` (WebGPU: ${facts.webgpu.reason})` : '';
  return pick('cpu', `auto: no GPU execution provider for this machine${noWebGpu}${skipped}; using CPU`);
}

const hardwareWebGpu = (f: ProviderFacts) => !!f.webgpu?.usable && !!f.webgpu.adapter && !f.webgpu.adapter.software;

const softwareNote = (w: WebGpuFacts) =>
  `the only WebGPU adapter is the software one ${w.adapter?.name} (slower than the CPU; --device webgpu uses it)`;

function gpu(ep: ExecutionProvider, f: ProviderFacts): string {
  if (ep === 'webgpu') return f.webgpu?.usable ? ` on ${f.webgpu.reason}` : '';
  return (ep === 'cuda' || ep === 'tensorrt') && f.nvidiaGpu ? ` on ${f.nvidiaGpu}` : '';
}

/**
 * The device request from the `--device` flag, else `DAYDREAM_SCOPE_DEVICE`, else `auto`; an unknown name throws
 * a sentence listing the known ones.
 */
export function resolveDeviceRequest(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): DeviceRequest {
  const [value, from] =
    flag !== undefined ? [flag, '--device'] : [scopeEnv('DAYDREAM_SCOPE_DEVICE', env), 'DAYDREAM_SCOPE_DEVICE'];
  if (value === undefined || value === '') return 'auto';
  const parsed = deviceRequestSchema.safeParse(value.trim().toLowerCase());
  if (parsed.success) return parsed.data;
  throw new Error(`${from}: unknown device "${value}"; expected one of ${deviceRequestSchema.options.join(', ')}`);
}

export interface ProbeOptions {
  /** Loads onnxruntime-node (CommonJS); tests pass a stub. Default: the one sessions load (ort-core.ts). */
  requireOrt?: () => unknown;
  /** Folder of the onnxruntime-node package; default: the one sessions load. */
  ortDir?: string | null;
  /** Where DAYDREAM_SCOPE_ORT_CORE is read. */
  env?: NodeJS.ProcessEnv;
  /** Runs ldd on a provider library (missing-libs.ts); tests pass a stub. */
  ldd?: Ldd;
  /** Runs nvidia-smi; resolves to its stdout or null. */
  nvidiaSmi?: () => Promise<string | null>;
  procDir?: string;
  /** The device asked for: WebGPU is probed only where the choice can fall on it. */
  device?: DeviceRequest;
  /** Runs the WebGPU probe; tests pass a stub. */
  probeWebGpu?: () => Promise<WebGpuFacts>;
}

/** Gathers the facts of this machine and installation; every probe that fails counts as "not there". */
export async function probeFacts(options: ProbeOptions = {}): Promise<ProviderFacts> {
  // The onnxruntime-node the sessions will load: the core DAYDREAM_SCOPE_ORT_CORE names, else the bundled one.
  const attempt = <T>(load: () => T): T | null => {
    try {
      return load();
    } catch {
      return null;
    }
  };
  const loaded = options.requireOrt ? null : attempt(() => loadOrt(options.env));
  const ortDir = options.ortDir !== undefined ? options.ortDir : (loaded?.core.packageDir ?? null);
  const ort = (options.requireOrt ? attempt(options.requireOrt) : loaded?.ort) as
    { listSupportedBackends?: unknown } | null | undefined;
  const backends =
    typeof ort?.listSupportedBackends === 'function'
      ? (ort.listSupportedBackends as () => { name: string; bundled: boolean }[])()
      : null;
  const facts: ProviderFacts = {
    platform: process.platform,
    arch: process.arch,
    backends,
    binaries: ortDir ? nativeFiles(ortDir) : [],
    nvidiaGpu: await nvidiaGpu(options),
    ortVersion: ortDir ? packageVersion(ortDir) : null,
    webgpu: null,
  };
  const core = loaded?.core;
  if (core?.core) {
    const { dir, manifest } = core.core;
    facts.core = { dir, onnxruntime: manifest.onnxruntime, cuda: manifest.cuda };
  }
  if (core?.problem) facts.coreProblem = core.problem;
  const native = ortDir ? nativeDir(ortDir) : null;
  if (native && process.platform === 'linux') facts.missingLibs = await missingProviderLibs(native, options.ldd);
  const device = options.device ?? 'auto';
  const bundled = backends === null || backends.some((b) => b.name === 'webgpu');
  const cudaFirst = device === 'auto' && unavailableReason('cuda', facts) === null;
  if (bundled && (device === 'webgpu' || (device === 'auto' && !cudaFirst))) {
    facts.webgpu = await (options.probeWebGpu ?? probeWebGpuOnce)();
  }
  return facts;
}

let webgpuProbe: Promise<WebGpuFacts> | undefined;
/** The adapter does not change while the process runs: one probe serves every runtime. */
const probeWebGpuOnce = () => (webgpuProbe ??= probeWebGpu());

async function nvidiaGpu(options: ProbeOptions): Promise<string | null> {
  const proc = join(options.procDir ?? '/proc', 'driver', 'nvidia');
  if (process.platform === 'linux' && existsSync(proc)) {
    // /proc/driver/nvidia/gpus/<bus>/information names the model without starting nvidia-smi.
    try {
      for (const bus of readdirSync(join(proc, 'gpus'))) {
        const model = /^Model:\s*(.+)$/m.exec(readFileSync(join(proc, 'gpus', bus, 'information'), 'utf8'));
        if (model?.[1]) return model[1].trim();
      }
    } catch {
      // The driver is there even when its per-GPU files are not readable.
    }
    return 'NVIDIA GPU';
  }
  if (process.platform !== 'linux' && process.platform !== 'win32') return null;
  const out = await (options.nvidiaSmi ?? runNvidiaSmi)();
  const name = out?.split('\n')[0]?.trim();
  return name ? name : null;
}

function runNvidiaSmi(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 5000 }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
}
