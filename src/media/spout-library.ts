/**
 * SpoutLibrary.dll (Windows), shared by the Spout output and the Spout input: where it is, and its one object.
 * The object is a C++ interface: methods are reached through its vtable by slot number, as declared in the
 * SpoutLibrary.h of Spout 2.007.010 and later. koffi is loaded only when a sender or receiver starts.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as KoffiModule from 'koffi';

type Koffi = typeof KoffiModule;

export const GL_BGRA = 0x80e1;

/** Where SpoutLibrary.dll is expected: SPOUT_LIBRARY_PATH (a file or its folder), else next to the process. */
export function spoutDllPath(env = process.env): string {
  const given = env.SPOUT_LIBRARY_PATH;
  if (given) return given.toLowerCase().endsWith('.dll') ? given : join(given, 'SpoutLibrary.dll');
  return join(process.cwd(), 'SpoutLibrary.dll');
}

/** Why Spout cannot be used here (another platform, no DLL), or undefined when it can. */
export function spoutMissing(
  platform: NodeJS.Platform,
  dllPath: string,
  exists: (path: string) => boolean,
): string | undefined {
  if (platform !== 'win32') return `Spout exists only on Windows (this is ${platform})`;
  if (!exists(dllPath)) {
    return `SpoutLibrary.dll not found at ${dllPath}; get it from the Spout2 SDK release and set SPOUT_LIBRARY_PATH`;
  }
  return undefined;
}

/** A new SPOUTLIBRARY object: `call(slot, prototype, ...args)` calls its method in that vtable slot. */
export function openSpoutLibrary(dllPath: string): {
  koffi: Koffi;
  call(slot: number, prototype: unknown, ...args: unknown[]): unknown;
} {
  const koffi = createRequire(import.meta.url)('koffi') as Koffi;
  const lib = koffi.load(dllPath);
  const getSpout = lib.func('void * __stdcall GetSpout(void)');
  const self = getSpout() as unknown;
  if (!self) throw new Error('GetSpout() returned no object');
  const vtable = koffi.decode(self, 'void *') as unknown;
  return {
    koffi,
    call: (slot, prototype, ...args) =>
      koffi.call(koffi.decode(vtable, slot * 8, 'void *'), prototype as never, self, ...args) as unknown,
  };
}
