import { describe, expect, it } from 'vitest';
import { OrtRuntime } from './ort';
import { probeFacts } from './providers';
import { interpretProbe, probeWebGpu } from './webgpu-probe';
import type { ProbeOutput } from './webgpu-probe';

const lavapipe = { name: 'llvmpipe (LLVM 15.0.6, 256 bits)', kind: 'cpu', vendorId: 0x10005, driver: 'llvmpipe Mesa' };
const rtx = { name: 'NVIDIA GeForce RTX 4090', kind: 'discrete', vendorId: 0x10de, driver: 'NVIDIA 580.65.06' };
const igpu = {
  name: 'Intel(R) UHD Graphics 770',
  kind: 'integrated',
  vendorId: 0x8086,
  driver: 'Intel open-source Mesa',
};
const ok = { ok: true, ms: 400 };

describe('interpretProbe', () => {
  it('takes the adapter Dawn takes: discrete before integrated before the CPU rasteriser', () => {
    const facts = interpretProbe({ vulkan: { loader: true, devices: [lavapipe, igpu, rtx] }, session: ok });
    expect(facts).toMatchObject({ usable: true, adapter: { name: rtx.name, kind: 'discrete', software: false } });
    expect(facts.reason).toBe('NVIDIA GeForce RTX 4090 (discrete, NVIDIA 580.65.06)');
  });

  it('marks lavapipe as software', () => {
    const facts = interpretProbe({ vulkan: { loader: true, devices: [lavapipe] }, session: ok });
    expect(facts.adapter?.software).toBe(true);
    expect(facts.reason).toMatch(/software Vulkan/);
  });

  it.each<[string, ProbeOutput, RegExp]>([
    [
      'no Vulkan loader',
      { vulkan: { loader: false, devices: [] }, session: { ok: false, error: 'no adapter' } },
      /libvulkan\.so\.1 is missing: install libvulkan1/,
    ],
    [
      'no Vulkan driver',
      { vulkan: { loader: true, devices: [] }, session: { ok: false, error: 'no adapter' } },
      /no Vulkan driver found/,
    ],
    [
      'no Vulkan to ask (macOS)',
      { vulkan: null, session: { ok: false, error: 'no adapter' } },
      /^no WebGPU adapter: no adapter$/,
    ],
  ])('says why when there is none: %s', (_name, out, reason) => {
    const facts = interpretProbe(out);
    expect(facts.usable).toBe(false);
    expect(facts.reason).toMatch(reason);
  });
});

describe('the WebGPU probe on this machine', () => {
  // CI installs Mesa's lavapipe; no adapter there is a failure of the setup, not a reason to skip.
  it('finds an adapter and names it', async () => {
    const facts = await probeWebGpu();
    expect(facts.usable, facts.reason).toBe(true);
    if (process.platform === 'linux') {
      expect(facts.adapter?.name).toBeTruthy();
      // What the memory monitor shows: Vulkan guarantees a storage buffer range of at least 2^27 bytes.
      expect(facts.adapter?.deviceMemory).toBeGreaterThan(0);
      expect(facts.adapter?.maxStorageBuffer).toBeGreaterThanOrEqual(2 ** 27);
    }
  });

  it('is asked only where the choice can fall on WebGPU', async () => {
    let probes = 0;
    const probe = async () => {
      probes++;
      return { usable: false, reason: 'stub', adapter: null };
    };
    const common = { nvidiaSmi: async () => null, procDir: '/nonexistent', probeWebGpu: probe };
    expect((await probeFacts({ ...common, device: 'cpu' })).webgpu).toBeNull();
    expect((await probeFacts({ ...common, device: 'webgpu' })).webgpu?.reason).toBe('stub');
    expect(probes).toBe(1);
  });

  it('keeps auto off a software adapter and says so in the reason', async () => {
    const runtime = new OrtRuntime({ device: 'auto' });
    const choice = await runtime.provider();
    const facts = await probeWebGpu();
    if (facts.adapter?.software) {
      expect(choice.provider).toBe('cpu');
      expect(choice.reason).toMatch(/software one .*--device webgpu uses it/);
    } else if (facts.usable && facts.adapter) {
      expect(choice.provider).toMatch(/^(webgpu|cuda)$/);
    }
    await runtime.close();
  });
});
