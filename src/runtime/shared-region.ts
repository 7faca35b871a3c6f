/**
 * A file under /dev/shm mapped into this process with libc's mmap (through koffi, loaded lazily): memory that the
 * server and its sessions' child process both see, so a frame crosses without going through the IPC pipe. Linux
 * only; where it cannot be made, `create` says why and the transport keeps the pipe.
 */
import { closeSync, ftruncateSync, openSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

type Libc = {
  mmap: (addr: null, length: number, prot: number, flags: number, fd: number, offset: number) => unknown;
  munmap: (addr: unknown, length: number) => number;
  view: (ptr: unknown, length: number) => ArrayBuffer;
  address: (ptr: unknown) => bigint;
};

const PROT_READ_WRITE = 3;
const MAP_SHARED = 1;
let libc: Libc | string | undefined;

/** libc's mmap and munmap, or the reason they cannot be had here. */
function loadLibc(): Libc | string {
  if (libc !== undefined) return libc;
  if (process.platform !== 'linux') return (libc = `shared memory frames are Linux only (this is ${process.platform})`);
  try {
    const koffi = createRequire(import.meta.url)('koffi') as {
      load(name: string): { func(signature: string): (...args: unknown[]) => unknown };
      view(ptr: unknown, length: number): ArrayBuffer;
      address(ptr: unknown): bigint;
    };
    const lib = koffi.load('libc.so.6');
    libc = {
      mmap: lib.func(
        'void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)',
      ) as Libc['mmap'],
      munmap: lib.func('int munmap(void *addr, size_t length)') as Libc['munmap'],
      view: (ptr, length) => koffi.view(ptr, length),
      address: (ptr) => koffi.address(ptr),
    };
  } catch (err) {
    libc = `shared memory frames need koffi and libc (${(err as Error).message})`;
  }
  return libc;
}

export class SharedRegion {
  /** False once closed: its bytes must not be touched any more (the memory is gone). */
  mapped = true;

  private constructor(
    readonly path: string,
    /** The mapped bytes; valid until `close()`, so nothing may keep a view of them past it. */
    readonly bytes: Uint8Array,
    private readonly ptr: unknown,
    private readonly lib: Libc,
  ) {}

  /** Makes a new region of `size` bytes (a sparse file: pages cost memory once written), or says why it cannot. */
  static create(size: number): SharedRegion | string {
    const path = `/dev/shm/daydream-scope-${process.pid}-${randomBytes(6).toString('hex')}`;
    try {
      const fd = openSync(path, 'wx+', 0o600);
      try {
        ftruncateSync(fd, size);
        return SharedRegion.map(path, fd, size);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      try {
        unlinkSync(path);
      } catch {
        // It was never made.
      }
      return `no shared memory for frames: ${(err as Error).message}`;
    }
  }

  /** Maps the region another process made at `path`. Throws with the reason when it cannot. */
  static open(path: string, size: number): SharedRegion {
    const fd = openSync(path, 'r+');
    try {
      const region = SharedRegion.map(path, fd, size);
      if (typeof region === 'string') throw new Error(region);
      return region;
    } finally {
      closeSync(fd);
    }
  }

  private static map(path: string, fd: number, size: number): SharedRegion | string {
    const lib = loadLibc();
    if (typeof lib === 'string') return lib;
    const ptr = lib.mmap(null, size, PROT_READ_WRITE, MAP_SHARED, fd, 0);
    // mmap answers MAP_FAILED, (void *)-1, on failure.
    if (lib.address(ptr) === 2n ** 64n - 1n || lib.address(ptr) === -1n) return `mmap of ${path} failed`;
    return new SharedRegion(path, new Uint8Array(lib.view(ptr, size)), ptr, lib);
  }

  /** Removes the file: the mappings stay valid, and nothing is left behind if either process dies. */
  unlink(): void {
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }

  /** Unmaps it (after this any view of `bytes` is invalid) and removes the file. */
  close(): void {
    if (!this.mapped) return;
    this.mapped = false;
    this.lib.munmap(this.ptr, this.bytes.byteLength);
    this.unlink();
  }
}
