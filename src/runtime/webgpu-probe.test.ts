import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      'NVIDIA’s driver library needs libglvnd (a headless server without it)',
      {
        vulkan: {
          loader: true,
          devices: [],
          drivers: [
            {
              manifest: '/usr/share/vulkan/icd.d/nvidia_icd.json',
              library: 'libGLX_nvidia.so.0',
              loads: false,
              present: true,
              error: 'Failed to load shared library: libGLdispatch.so.0: cannot open shared object file',
            },
          ],
        },
        session: { ok: false, error: 'No supported adapters' },
      },
      /nvidia_icd\.json \(libGLX_nvidia\.so\.0\) could not be loaded: .*libGLdispatch.*install libglvnd0 and libglx0/,
    ],
    [
      'the drivers load but list no device (a container without the GPU)',
      {
        vulkan: {
          loader: true,
          devices: [],
          drivers: [
            { manifest: '/usr/share/vulkan/icd.d/radeon_icd.json', library: 'libvulkan_radeon.so', loads: true },
          ],
        },
        session: { ok: false, error: 'No supported adapters' },
      },
      /drivers load \(libvulkan_radeon\.so\) but list no device: the GPU is not visible/,
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

  it('names the driver whose library is missing instead of saying there is none', async () => {
    // The loader reads only the manifests VK_DRIVER_FILES names: one whose library is not there, as in a
    // container started without NVIDIA's graphics libraries.
    const dir = await mkdtemp(join(tmpdir(), 'scope-icd-'));
    try {
      const manifest = join(dir, 'nvidia_icd.json');
      const icd = {
        file_format_version: '1.0.0',
        ICD: { library_path: join(dir, 'libGLX_nvidia.so.0'), api_version: '1.3.0' },
      };
      await writeFile(manifest, JSON.stringify(icd));
      const facts = await probeWebGpu({ env: { ...process.env, VK_DRIVER_FILES: manifest } });
      expect(facts.usable).toBe(false);
      expect(facts.reason).toContain(`the Vulkan driver listed in ${manifest}`);
      expect(facts.reason).toMatch(/libGLX_nvidia\.so\.0\) is not there: .*NVIDIA_DRIVER_CAPABILITIES/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes VK_DRIVER_FILES as the loader does: the software driver named alone is found', async () => {
    if (process.platform !== 'linux') return;
    // The control for the test above: the same variable naming a driver that loads gives its adapter.
    const icdDir = '/usr/share/vulkan/icd.d';
    const lvp = (await readdir(icdDir)).find((f) => f.startsWith('lvp_icd'));
    expect(lvp, 'CI installs Mesa’s lavapipe from bookworm-backports').toBeTruthy();
    const facts = await probeWebGpu({ env: { ...process.env, VK_DRIVER_FILES: join(icdDir, lvp!) } });
    expect(facts.usable, facts.reason).toBe(true);
    expect(facts.adapter?.software).toBe(true);
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
