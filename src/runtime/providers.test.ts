import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder';
import { OrtRuntime } from './ort';
import { chooseExecutionProvider, probeFacts, resolveDeviceRequest } from './providers';
import type { DeviceRequest, ExecutionProvider, ProviderFacts } from './providers';
import type { WebGpuFacts } from './webgpu-probe';

const cpuOnly: ProviderFacts = {
  platform: 'linux',
  arch: 'x64',
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'webgpu', bundled: true },
    { name: 'cuda', bundled: false },
    { name: 'tensorrt', bundled: false },
  ],
  binaries: ['libonnxruntime.so.1', 'onnxruntime_binding.node'],
  nvidiaGpu: null,
  ortVersion: '1.30.0',
  webgpu: null,
};
const gpuLibs = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];
const linuxNvidia: ProviderFacts = {
  ...cpuOnly,
  binaries: [...cpuOnly.binaries, ...gpuLibs, 'libonnxruntime_providers_tensorrt.so'],
  nvidiaGpu: 'NVIDIA H100',
};
const nvidiaNoLibs: ProviderFacts = { ...cpuOnly, nvidiaGpu: 'NVIDIA RTX 4090' };
const libsNoGpu: ProviderFacts = { ...linuxNvidia, nvidiaGpu: null };
const windows: ProviderFacts = {
  platform: 'win32',
  arch: 'x64',
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'dml', bundled: true },
    { name: 'webgpu', bundled: true },
  ],
  binaries: ['DirectML.dll', 'onnxruntime.dll', 'onnxruntime_binding.node'],
  nvidiaGpu: 'NVIDIA RTX 4090',
  ortVersion: '1.30.0',
  webgpu: null,
};
const mac: ProviderFacts = {
  platform: 'darwin',
  arch: 'arm64',
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'coreml', bundled: true },
  ],
  binaries: ['libonnxruntime.1.dylib'],
  nvidiaGpu: null,
  ortVersion: '1.30.0',
  webgpu: null,
};
const oldBuild: ProviderFacts = { ...linuxNvidia, backends: null };
/** On the core `daydream-scope cuda-core` assembles, its CUDA libraries found. */
const onCore: ProviderFacts = {
  ...linuxNvidia,
  ortVersion: '1.29.0',
  core: { dir: '/m/ort-core/c', onnxruntime: '1.29.0', cuda: '13' },
  missingLibs: { cuda: [], tensorrt: ['libnvinfer.so.10'] },
};
const radeon: WebGpuFacts = {
  usable: true,
  reason: 'AMD Radeon RX 7900 XTX (RADV NAVI31) (discrete, radv Mesa 25.0.7)',
  adapter: {
    name: 'AMD Radeon RX 7900 XTX (RADV NAVI31)',
    kind: 'discrete',
    driver: 'radv Mesa 25.0.7',
    software: false,
  },
};
const lavapipe: WebGpuFacts = {
  usable: true,
  reason: 'llvmpipe (LLVM 15.0.6, 256 bits) (software Vulkan, llvmpipe Mesa 25.0.7)',
  adapter: { name: 'llvmpipe (LLVM 15.0.6, 256 bits)', kind: 'cpu', driver: 'llvmpipe Mesa 25.0.7', software: true },
};
const noAdapter: WebGpuFacts = {
  usable: false,
  reason: 'no WebGPU adapter: Failed to get a WebGPU adapter (no Vulkan driver found: install …)',
  adapter: null,
};
const unidentified: WebGpuFacts = { usable: true, reason: 'an adapter that could not be identified', adapter: null };

const table: [string, DeviceRequest, ProviderFacts, ExecutionProvider[], RegExp][] = [
  ['auto, CPU-only Linux', 'auto', cpuOnly, ['cpu'], /no GPU execution provider/],
  ['auto, NVIDIA with the CUDA libraries', 'auto', linuxNvidia, ['cuda', 'cpu'], /^auto: CUDA on NVIDIA H100/],
  ['auto, NVIDIA without the libraries', 'auto', nvidiaNoLibs, ['cpu'], /NVIDIA GPU \(NVIDIA RTX 4090\).*cuda12/],
  ['auto, libraries but no GPU', 'auto', libsNoGpu, ['cpu'], /no GPU execution provider/],
  ['auto, Windows', 'auto', windows, ['dml', 'cpu'], /DirectML/],
  ['auto, macOS', 'auto', mac, ['coreml', 'cpu'], /CoreML/],
  ['auto, build without listSupportedBackends', 'auto', oldBuild, ['cuda', 'cpu'], /CUDA/],
  ['cpu on a GPU machine', 'cpu', linuxNvidia, ['cpu'], /CPU requested/],
  ['cuda', 'cuda', linuxNvidia, ['cuda', 'cpu'], /CUDA requested/],
  [
    'cuda without the libraries',
    'cuda',
    nvidiaNoLibs,
    ['cpu'],
    /^CUDA requested but this onnxruntime-node 1\.30\.0 build has no CUDA provider: install it with ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\.js, or assemble a CUDA core from npm with `daydream-scope cuda-core` and set DAYDREAM_SCOPE_ORT_CORE to it; using CPU$/,
  ],
  ['cuda through the core', 'cuda', onCore, ['cuda', 'cpu'], /^CUDA requested on NVIDIA H100$/],
  ['auto through the core', 'auto', onCore, ['cuda', 'cpu'], /^auto: CUDA on NVIDIA H100$/],
  [
    'cuda through the core, its CUDA libraries not on the library path',
    'cuda',
    { ...onCore, missingLibs: { cuda: ['libcublasLt.so.13', 'libcurand.so.10'] } },
    ['cpu'],
    /^CUDA requested but the CUDA provider library of the onnxruntime 1\.29\.0 core at \/m\/ort-core\/c cannot load: libcublasLt\.so\.13, libcurand\.so\.10 not found \(CUDA 13's libraries .*LD_LIBRARY_PATH.*\); using CPU$/,
  ],
  [
    'the same without a GPU: both said',
    'cuda',
    { ...onCore, nvidiaGpu: null, missingLibs: { cuda: ['libcuda.so.1'] } },
    ['cpu'],
    /libcuda\.so\.1 not found .*\); and no NVIDIA GPU was found .*; using CPU$/,
  ],
  [
    'bundled CUDA libraries missing: CUDA 12 named',
    'cuda',
    { ...linuxNvidia, missingLibs: { cuda: ['libcudnn.so.9'] } },
    ['cpu'],
    /this onnxruntime-node 1\.30\.0 build cannot load: libcudnn\.so\.9 not found \(the CUDA 12 and cuDNN 9 libraries/,
  ],
  [
    'a core that cannot be used, CUDA asked for: why',
    'cuda',
    { ...nvidiaNoLibs, coreProblem: 'DAYDREAM_SCOPE_ORT_CORE=/x cannot be used: no such folder' },
    ['cpu'],
    /has no CUDA provider: DAYDREAM_SCOPE_ORT_CORE=\/x cannot be used: no such folder; using CPU$/,
  ],
  ['cuda without a GPU', 'cuda', libsNoGpu, ['cpu'], /no NVIDIA GPU was found/],
  ['cuda on Windows', 'cuda', windows, ['cpu'], /Linux x64 only.*--device dml/],
  ['cuda on macOS', 'cuda', mac, ['cpu'], /no CUDA provider on darwin\/arm64/],
  ['tensorrt', 'tensorrt', linuxNvidia, ['tensorrt', 'cuda', 'cpu'], /TensorRT requested/],
  ['tensorrt without its library', 'tensorrt', { ...linuxNvidia, binaries: gpuLibs }, ['cpu'], /no TensorRT/],
  ['dml on Windows', 'dml', windows, ['dml', 'cpu'], /DirectML requested/],
  ['dml on Linux', 'dml', linuxNvidia, ['cpu'], /Windows only/],
  ['coreml on macOS', 'coreml', mac, ['coreml', 'cpu'], /CoreML requested/],
  ['coreml on Windows', 'coreml', windows, ['cpu'], /macOS only/],
  [
    'auto, an AMD GPU through Vulkan',
    'auto',
    { ...cpuOnly, webgpu: radeon },
    ['webgpu', 'cpu'],
    /^auto: WebGPU on AMD/,
  ],
  [
    'auto, NVIDIA without the CUDA build: WebGPU',
    'auto',
    { ...nvidiaNoLibs, webgpu: { ...radeon, reason: 'NVIDIA RTX 4090 (discrete, NVIDIA 580)' } },
    ['webgpu', 'cpu'],
    /^auto: WebGPU on NVIDIA RTX 4090/,
  ],
  ['auto, NVIDIA with the CUDA build: CUDA first', 'auto', { ...linuxNvidia, webgpu: radeon }, ['cuda', 'cpu'], /CUDA/],
  [
    'auto never takes a software adapter',
    'auto',
    { ...cpuOnly, webgpu: lavapipe },
    ['cpu'],
    /the only WebGPU adapter is the software one llvmpipe .*--device webgpu uses it\); using CPU$/,
  ],
  ['auto, no adapter', 'auto', { ...cpuOnly, webgpu: noAdapter }, ['cpu'], /\(WebGPU: no WebGPU adapter: /],
  ['auto, Windows, adapter not identified', 'auto', { ...windows, webgpu: unidentified }, ['dml', 'cpu'], /DirectML/],
  [
    'webgpu on the software adapter',
    'webgpu',
    { ...cpuOnly, webgpu: lavapipe },
    ['webgpu', 'cpu'],
    /^WebGPU requested on llvmpipe.*software Vulkan/,
  ],
  [
    'webgpu without an adapter',
    'webgpu',
    { ...cpuOnly, webgpu: noAdapter },
    ['cpu'],
    /^WebGPU requested but no WebGPU adapter: .*; using CPU$/,
  ],
  ['webgpu in a build without it', 'webgpu', mac, ['cpu'], /has no WebGPU provider on darwin\/arm64/],
];

describe('chooseExecutionProvider', () => {
  it.each(table)('%s', (_name, request, facts, providers, reason) => {
    const choice = chooseExecutionProvider(request, facts);
    expect(choice.providers).toEqual(providers);
    expect(choice.provider).toBe(providers[0]);
    expect(choice.requested).toBe(request);
    expect(choice.reason).toMatch(reason);
  });
});

describe('resolveDeviceRequest', () => {
  it('prefers the flag, then the environment, then auto', () => {
    expect(resolveDeviceRequest('cuda', { DAYDREAM_SCOPE_DEVICE: 'cpu' })).toBe('cuda');
    expect(resolveDeviceRequest(undefined, { DAYDREAM_SCOPE_DEVICE: 'CoreML' })).toBe('coreml');
    expect(resolveDeviceRequest(undefined, {})).toBe('auto');
  });

  it('names the known devices when given an unknown one', () => {
    expect(() => resolveDeviceRequest('gpu', {})).toThrow(/--device: unknown device "gpu"; expected one of auto, cpu/);
    expect(() => resolveDeviceRequest(undefined, { DAYDREAM_SCOPE_DEVICE: 'x' })).toThrow(/DAYDREAM_SCOPE_DEVICE/);
  });
});

describe('probeFacts', () => {
  it('reads the installed onnxruntime-node', async () => {
    const facts = await probeFacts({ nvidiaSmi: async () => null, procDir: '/nonexistent' });
    expect(facts.platform).toBe(process.platform);
    expect(facts.backends?.map((b) => b.name)).toContain('cpu');
    expect(facts.binaries).toContain('onnxruntime_binding.node');
    expect(facts.ortVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('names the GPU from the driver or nvidia-smi, and survives a missing onnxruntime', async () => {
    const proc = mkdtempSync(join(tmpdir(), 'proc-'));
    mkdirSync(join(proc, 'driver', 'nvidia', 'gpus', '0000:01:00.0'), { recursive: true });
    writeFileSync(
      join(proc, 'driver', 'nvidia', 'gpus', '0000:01:00.0', 'information'),
      'Model: \t NVIDIA L4\nIRQ: 1\n',
    );
    const viaProc = await probeFacts({ procDir: proc, nvidiaSmi: async () => null });
    if (process.platform === 'linux') expect(viaProc.nvidiaGpu).toBe('NVIDIA L4');
    const broken = await probeFacts({
      procDir: '/nonexistent',
      nvidiaSmi: async () => 'NVIDIA A10G\n',
      ortDir: null,
      requireOrt: () => {
        throw new Error('no binding');
      },
    });
    expect(broken.backends).toBeNull();
    expect(broken.binaries).toEqual([]);
    if (process.platform === 'linux') expect(broken.nvidiaGpu).toBe('NVIDIA A10G');
  });
});

describe('OrtRuntime provider choice', () => {
  const runtimes: OrtRuntime[] = [];
  afterAll(async () => Promise.all(runtimes.map((r) => r.close())));
  const model = () => {
    const g = new GraphBuilder('neg');
    g.output(g.op('Neg', [g.input('x', 'float', [2])]), 'y', 'float', [2]);
    return g.toBytes();
  };

  it('reports the chosen provider and its reason', async () => {
    const logs: string[] = [];
    const runtime = new OrtRuntime({ worker: false, device: 'cuda', facts: cpuOnly, log: (m) => logs.push(m) });
    runtimes.push(runtime);
    expect(runtime.providerStatus()).toBeNull();
    await runtime.createSession(model());
    expect(runtime.executionProvider).toBe('cpu');
    expect(runtime.providerStatus()?.reason).toMatch(/CUDA requested but/);
    expect(logs.join('\n')).toMatch(/onnxruntime: cpu \(CUDA requested but/);
  });

  // The facts claim CUDA; this machine's onnxruntime cannot start it, as on a machine without cuDNN.
  it.skipIf(process.platform !== 'linux' || process.arch !== 'x64' || existsCudaLib())(
    'falls back to the CPU when the chosen provider cannot start a session',
    async () => {
      const logs: string[] = [];
      const runtime = new OrtRuntime({ worker: true, device: 'auto', facts: linuxNvidia, log: (m) => logs.push(m) });
      runtimes.push(runtime);
      expect((await runtime.provider()).provider).toBe('cuda');
      const session = await runtime.createSession(model());
      const out = await session.run({ x: { type: 'float32', data: Float32Array.of(1, -2), dims: [2] } });
      expect(Array.from(out.y!.data as Float32Array)).toEqual([-1, 2]);
      expect(runtime.executionProvider).toBe('cpu');
      expect(runtime.providerStatus()?.reason).toMatch(/^cuda was chosen .* could not start a session: .*; using CPU$/);
      expect(logs.at(-1)).toMatch(/could not start a session/);
    },
  );
});

/** Where the CUDA provider is really installed, CUDA might start, and the fallback would not be exercised. */
function existsCudaLib(): boolean {
  const dir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  return existsSync(join(dir, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_shared.so'));
}
