// The WebGPU probe, run as its own process so that a driver that hangs or aborts cannot take the server with it.
// It lists the Vulkan devices (Linux: what Dawn, onnxruntime's WebGPU, chooses from) and opens a one-node
// WebGPU session on the model read from stdin (base64). It prints one line of JSON.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
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
  if (status !== 0) return { loader: true, error: `vkCreateInstance returned ${status}`, devices: [] };
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
    return { loader: true, devices };
  } finally {
    destroy(instance[0], null);
  }
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
