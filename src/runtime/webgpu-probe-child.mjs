// The WebGPU probe, run as its own process so that a driver that hangs or aborts cannot take the server with it.
// It lists the Vulkan devices (Linux: what Dawn, onnxruntime's WebGPU, chooses from) and opens a one-node
// WebGPU session on the model read from stdin (base64). It prints one line of JSON.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const STRUCTURE_TYPE_PROPERTIES_2 = 1000059001;
const STRUCTURE_TYPE_DRIVER_PROPERTIES = 1000196000;
const kinds = ['other', 'integrated', 'discrete', 'virtual', 'cpu'];

async function vulkanDevices() {
  if (process.platform !== 'linux') return null;
  let lib;
  const { default: koffi } = await import('koffi');
  try {
    lib = koffi.load('libvulkan.so.1');
  } catch (err) {
    return { loader: false, error: String(err?.message ?? err), devices: [] };
  }
  const AppInfo = koffi.struct('VkApplicationInfo', {
    sType: 'uint32',
    pNext: 'void*',
    pApplicationName: 'const char*',
    applicationVersion: 'uint32',
    pEngineName: 'const char*',
    engineVersion: 'uint32',
    apiVersion: 'uint32',
  });
  // Registered by name for the vkCreateInstance prototype below.
  koffi.struct('VkInstanceCreateInfo', {
    sType: 'uint32',
    pNext: 'void*',
    flags: 'uint32',
    pApplicationInfo: koffi.pointer(AppInfo),
    enabledLayerCount: 'uint32',
    ppEnabledLayerNames: 'void*',
    enabledExtensionCount: 'uint32',
    ppEnabledExtensionNames: 'void*',
  });
  const create = lib.func('int32 vkCreateInstance(const VkInstanceCreateInfo *info, void *alloc, _Out_ void **out)');
  const enumerate = lib.func('int32 vkEnumeratePhysicalDevices(void *inst, _Inout_ uint32 *count, void *devs)');
  const properties2 = lib.func('void vkGetPhysicalDeviceProperties2(void *dev, void *props)');
  const memoryProperties = lib.func('void vkGetPhysicalDeviceMemoryProperties(void *dev, void *props)');
  const destroy = lib.func('void vkDestroyInstance(void *inst, void *alloc)');
  const instance = [null];
  const app = {
    sType: 0,
    pNext: null,
    pApplicationName: 'daydream-scope probe',
    applicationVersion: 0,
    pEngineName: null,
    engineVersion: 0,
    apiVersion: (1 << 22) | (1 << 12),
  };
  const info = {
    sType: 1,
    pNext: null,
    flags: 0,
    pApplicationInfo: app,
    enabledLayerCount: 0,
    ppEnabledLayerNames: null,
    enabledExtensionCount: 0,
    ppEnabledExtensionNames: null,
  };
  const status = create(info, null, instance);
  // -9, VK_ERROR_INCOMPATIBLE_DRIVER: the loader found no driver it could load.
  if (status !== 0) {
    return { loader: true, error: `vkCreateInstance returned ${status}`, devices: [], drivers: driverManifests(koffi) };
  }
  try {
    const count = [0];
    enumerate(instance[0], count, null);
    const handles = Buffer.alloc(8 * count[0]);
    if (count[0] > 0) enumerate(instance[0], count, handles);
    const devices = [];
    for (let i = 0; i < count[0]; i++) {
      const device = koffi.decode(handles, i * 8, 'void*');
      // VkPhysicalDeviceProperties2 with VkPhysicalDeviceDriverProperties chained: laid out by hand, since only
      // the first fields of each are read.
      const driver = koffi.alloc('uint8', 536);
      const head = Buffer.alloc(536);
      head.writeUInt32LE(STRUCTURE_TYPE_DRIVER_PROPERTIES, 0);
      koffi.encode(driver, koffi.array('uint8', 536), [...head]);
      const props = Buffer.alloc(840);
      props.writeUInt32LE(STRUCTURE_TYPE_PROPERTIES_2, 0);
      props.writeBigUInt64LE(BigInt(koffi.address(driver)), 8);
      properties2(device, props);
      const d = Buffer.from(koffi.decode(driver, koffi.array('uint8', 536)));
      koffi.free(driver);
      const text = (b, at) =>
        b
          .subarray(at, at + 256)
          .toString('utf8')
          .replace(/\0[\s\S]*$/, '');
      // VkPhysicalDeviceMemoryProperties: 32 memory types of 8 bytes after a count, then a count at 260 and 16
      // heaps of 16 bytes (size, flags) from 264; device-local heaps have flag bit 1.
      const memory = Buffer.alloc(520);
      memoryProperties(device, memory);
      let deviceMemory = 0;
      for (let h = 0; h < Math.min(16, memory.readUInt32LE(260)); h++) {
        if (memory.readUInt32LE(264 + h * 16 + 8) & 1) deviceMemory += Number(memory.readBigUInt64LE(264 + h * 16));
      }
      devices.push({
        name: text(props, 36),
        kind: kinds[props.readUInt32LE(32)] ?? 'other',
        vendorId: props.readUInt32LE(24),
        driver: [text(d, 20), text(d, 276)].filter(Boolean).join(' '),
        deviceMemory,
        // VkPhysicalDeviceLimits begins at 312 (after the 308 bytes of properties, aligned to 8);
        // maxStorageBufferRange is its eighth uint32.
        maxStorageBuffer: props.readUInt32LE(312 + 7 * 4),
      });
    }
    // No device: say which drivers the loader would read and why each gave nothing.
    return { loader: true, devices, ...(devices.length === 0 ? { drivers: driverManifests(koffi) } : {}) };
  } finally {
    destroy(instance[0], null);
  }
}

let ldCache;
/** Whether a library file is there: by its path, or for a bare name in the dynamic linker's cache (null: unknown). */
function present(path) {
  if (path.includes('/')) return existsSync(path);
  ldCache ??= spawnSync('ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '';
  return ldCache ? ldCache.includes(`${path} (`) : null;
}

/**
 * The Vulkan driver manifests the loader reads (VK_DRIVER_FILES / VK_ICD_FILENAMES, else the icd.d folders of the
 * XDG config and data dirs and /etc), and whether each one's library loads: a driver whose library is missing, or
 * needs one that is (NVIDIA's needs libglvnd), leaves the loader with no device and says nothing about why.
 */
function driverManifests(koffi) {
  const files = [];
  const addDir = (dir) => {
    try {
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.json')) files.push(join(dir, f));
    } catch {
      // A folder that is not there lists nothing.
    }
  };
  const listed = process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES;
  if (listed) {
    for (const p of listed.split(':').filter(Boolean)) {
      let dir = false;
      try {
        dir = statSync(p).isDirectory();
      } catch {
        // Named but missing: listed as it is, the read below says so.
      }
      if (dir) addDir(p);
      else files.push(p);
    }
  } else {
    const env = process.env;
    const config = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
    const data = [
      env.XDG_DATA_HOME || join(homedir(), '.local/share'),
      ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':'),
    ];
    for (const base of [...config, '/etc', ...data]) if (base) addDir(join(base, 'vulkan/icd.d'));
  }
  return files.map((manifest) => {
    let library = '';
    try {
      library = JSON.parse(readFileSync(manifest, 'utf8'))?.ICD?.library_path ?? '';
    } catch (err) {
      return { manifest, library, loads: false, error: `unreadable: ${String(err?.message ?? err).split('\n')[0]}` };
    }
    if (typeof library !== 'string' || !library)
      return { manifest, library: '', loads: false, error: 'no ICD.library_path in it' };
    // A relative path with a slash is relative to the manifest; a bare name goes through the library search path.
    const path = library.includes('/') && !library.startsWith('/') ? resolve(dirname(manifest), library) : library;
    try {
      koffi.load(path);
      return { manifest, library, loads: true, present: true };
    } catch (err) {
      // dlopen's message does not say whether the driver or a library it needs is missing: look for the driver.
      return {
        manifest,
        library,
        loads: false,
        present: present(path),
        error: String(err?.message ?? err).split('\n')[0],
      };
    }
  });
}

async function session(model) {
  const started = performance.now();
  try {
    const { default: ort } = await import('onnxruntime-node');
    const s = await ort.InferenceSession.create(model, { executionProviders: ['webgpu'] });
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.of(1, -2), [2]) });
    const y = Array.from(out.y.data);
    await s.release();
    if (y[0] !== -1 || y[1] !== 2) return { ok: false, error: `a one-node graph gave [${y}] instead of [-1,2]` };
    return { ok: true, ms: performance.now() - started };
  } catch (err) {
    return { ok: false, error: String(err?.message ?? err).split('\n')[0] };
  }
}

const model = Buffer.from(readFileSync(0, 'utf8'), 'base64');
let vulkan;
try {
  vulkan = await vulkanDevices();
} catch (err) {
  vulkan = { loader: true, error: String(err?.message ?? err), devices: [] };
}
const result = { vulkan, session: await session(new Uint8Array(model)) };
process.stdout.write(`${JSON.stringify(result)}\n`);
