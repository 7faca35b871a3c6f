/**
 * Whether onnxruntime's WebGPU provider can run here, and on what: a child process lists the Vulkan devices
 * (Linux) and opens a one-node WebGPU session, under a timeout, so a driver that hangs or aborts costs the probe
 * and never the server.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { GraphBuilder } from './graph-builder';

/** The adapter WebGPU runs on, as far as it could be identified. */
export interface WebGpuAdapter {
  name: string;
  kind: 'discrete' | 'integrated' | 'virtual' | 'cpu' | 'other';
  /** Driver name and version ("NVIDIA 580.65.06", "llvmpipe Mesa 25.0.7 …"). */
  driver: string;
  /** A CPU rasteriser (lavapipe/llvmpipe, SwiftShader): slower than the CPU provider, for tests only. */
  software: boolean;
  /** Device-local memory in bytes (the Vulkan heaps flagged device-local), where the probe could read it. */
  deviceMemory?: number;
  /** The largest storage buffer a binding may be, in bytes (what bounds WebGPU's maxStorageBufferBindingSize). */
  maxStorageBuffer?: number;
}

export interface WebGpuFacts {
  /** A WebGPU session ran a one-node graph correctly. */
  usable: boolean;
  /** Why not, or on what it runs, as a sentence fragment. */
  reason: string;
  /** Null where it could not be identified (no Vulkan on this platform to ask). */
  adapter: WebGpuAdapter | null;
}

const device = z.object({
  name: z.string(),
  kind: z.string(),
  vendorId: z.number(),
  driver: z.string(),
  deviceMemory: z.number().optional(),
  maxStorageBuffer: z.number().optional(),
});
const driver = z.object({
  manifest: z.string(),
  library: z.string(),
  loads: z.boolean(),
  /** Whether the driver's library file is there (null: could not tell); false with loads false: it is missing. */
  present: z.boolean().nullable().optional(),
  error: z.string().optional(),
});
const probeOutput = z.object({
  vulkan: z
    .object({
      loader: z.boolean(),
      error: z.string().optional(),
      devices: z.array(device),
      /** Listed when there is no device: the driver manifests the loader read and whether each library loads. */
      drivers: z.array(driver).optional(),
    })
    .nullable(),
  session: z.object({ ok: z.boolean(), error: z.string().optional(), ms: z.number().optional() }),
});
export type ProbeOutput = z.infer<typeof probeOutput>;

const rank: Record<string, number> = { discrete: 0, integrated: 1, virtual: 2, other: 3, cpu: 4 };
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe|warp/i;

/** Reads the child's report: the adapter Dawn picks is the best-ranked device (discrete first, CPU last). */
export function interpretProbe(out: ProbeOutput): WebGpuFacts {
  const devices = [...(out.vulkan?.devices ?? [])].sort((a, b) => (rank[a.kind] ?? 3) - (rank[b.kind] ?? 3));
  const best = devices[0];
  const adapter: WebGpuAdapter | null = best
    ? {
        name: best.name,
        kind: (best.kind in rank ? best.kind : 'other') as WebGpuAdapter['kind'],
        driver: best.driver,
        software: best.kind === 'cpu' || SOFTWARE.test(best.name),
        ...(best.deviceMemory ? { deviceMemory: best.deviceMemory } : {}),
        ...(best.maxStorageBuffer ? { maxStorageBuffer: best.maxStorageBuffer } : {}),
      }
    : null;
  if (!out.session.ok) {
    const vk = out.vulkan;
    const hint = !vk
      ? ''
      : !vk.loader
        ? ' (libvulkan.so.1 is missing: install libvulkan1 and a Vulkan driver)'
        : vk.devices.length === 0
          ? ` (${noDeviceHint(vk.drivers ?? [])})`
          : '';
    return { usable: false, reason: `no WebGPU adapter: ${out.session.error ?? 'unknown error'}${hint}`, adapter };
  }
  const where = adapter
    ? `${adapter.name} (${adapter.software ? 'software Vulkan' : adapter.kind}, ${adapter.driver})`
    : 'an adapter that could not be identified on this platform';
  return { usable: true, reason: where, adapter };
}

/** Why the Vulkan loader listed no device, from what the probe found of its drivers. */
function noDeviceHint(drivers: z.infer<typeof driver>[]): string {
  if (drivers.length === 0) return 'no Vulkan driver found: install your GPU vendor’s driver, or mesa-vulkan-drivers';
  const broken = drivers.find((d) => !d.loads);
  if (!broken) {
    const names = drivers.map((d) => d.library.split('/').at(-1)).join(', ');
    return (
      `the Vulkan drivers load (${names}) but list no device: the GPU is not visible to this process ` +
      '(a container started without it, or no access to /dev/dri or /dev/nvidia*)'
    );
  }
  const nvidia = /nvidia/i.test(broken.library) || /nvidia/i.test(broken.manifest);
  const where = `the Vulkan driver listed in ${broken.manifest} (${broken.library})`;
  if (broken.present === false) {
    const advice = nvidia
      ? ': install NVIDIA’s driver, or in a container start it with NVIDIA_DRIVER_CAPABILITIES including graphics'
      : '';
    return `${where} is not there${advice}`;
  }
  const advice = nvidia ? '; NVIDIA’s Vulkan driver needs libglvnd: install libglvnd0 and libglx0 (Debian/Ubuntu)' : '';
  return `${where} could not be loaded: ${broken.error ?? 'unknown error'}${advice}`;
}

export interface WebGpuProbeOptions {
  timeoutMs: number;
  /** The probe's environment (the tests point VK_DRIVER_FILES at a driver of their own). */
  env?: NodeJS.ProcessEnv;
}

/** Runs the probe child; never throws: a failure is a WebGpuFacts saying why. */
export async function probeWebGpu(options: Partial<WebGpuProbeOptions> = {}): Promise<WebGpuFacts> {
  const { timeoutMs, env } = { timeoutMs: 30_000, ...options } satisfies WebGpuProbeOptions;
  const script = fileURLToPath(new URL('./webgpu-probe-child.mjs', import.meta.url));
  const g = new GraphBuilder('probe');
  g.output(g.op('Neg', [g.input('x', 'float', [2])]), 'y', 'float', [2]);
  const model = Buffer.from(g.toBytes()).toString('base64');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ usable: false, reason: `the WebGPU probe did not finish in ${timeoutMs / 1000} s`, adapter: null });
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ usable: false, reason: `the WebGPU probe could not start: ${err.message}`, adapter: null });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(interpretProbe(probeOutput.parse(JSON.parse(line))));
      } catch {
        const last = stderr.trim().split('\n').at(-1) ?? '';
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        resolve({ usable: false, reason: `the WebGPU probe ${how}${last ? `: ${last}` : ''}`, adapter: null });
      }
    });
    child.stdin.end(model);
  });
}
