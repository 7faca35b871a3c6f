/**
 * Big tensors of the child process's replies through shared memory (shared-region.ts) instead of the IPC pipe.
 * The child writes each one into a ring in the region and sends where it lies; the server copies it out as soon as
 * the reply arrives (one memcpy in the server, where the pipe costs a serialisation, two copies through the socket
 * and a deserialisation) and tells the child, with its next request, how far it has read. The child writes only
 * into bytes the server has read, and falls back to the pipe when the ring has no room, so a slow reader never
 * sees its data overwritten. Crash isolation is unchanged: the child only ever writes bytes, never the server's
 * objects, and a lost child's region is dropped with it.
 */

/** A tensor whose bytes lie in the region. */
export interface WireShared {
  kind: 'shared';
  type: string;
  dims: number[];
  /** The typed array's constructor name, to rebuild the same view. */
  array: string;
  offset: number;
  byteLength: number;
  /** The child's write count after this tensor: the server's read count once it has taken it. */
  end: number;
}

/** Tensors smaller than this cross the pipe: for them a message is as cheap as the bookkeeping. */
export const SHARED_MIN_BYTES = 64 * 1024;
const ALIGN = 64;

type Plain = { kind: 'plain'; type: string; dims: number[]; data: ArrayBufferView | string[] };
const isBig = (t: unknown): t is Plain & { data: ArrayBufferView } =>
  typeof t === 'object' &&
  t !== null &&
  (t as Plain).kind === 'plain' &&
  ArrayBuffer.isView((t as Plain).data) &&
  (t as { data: ArrayBufferView }).data.byteLength >= SHARED_MIN_BYTES;

/** The child's side: puts big tensors of a reply into the ring while it has room. */
export class SharedWriter {
  private written = 0;
  private pos = 0;

  constructor(private readonly region: Uint8Array) {}

  /** The reply with its big tensors (run outputs, a read tensor) moved into the region where they fit. */
  place<T>(value: T, consumed: number): T {
    const v = value as { outputs?: Record<string, unknown>; tensor?: unknown };
    if (v.outputs) {
      const outputs: Record<string, unknown> = {};
      for (const [name, t] of Object.entries(v.outputs)) outputs[name] = this.put(t, consumed);
      return { ...value, outputs };
    }
    if (v.tensor) return { ...value, tensor: this.put(v.tensor, consumed) };
    return value;
  }

  private put(t: unknown, consumed: number): unknown {
    if (!isBig(t)) return t;
    const size = t.data.byteLength;
    const cap = this.region.byteLength;
    // Everything written was read: start again at the front, so the same pages serve every frame.
    if (consumed >= this.written) this.pos = 0;
    const wrap = this.pos + size > cap;
    const offset = wrap ? 0 : this.pos;
    const next = Math.min(cap, Math.ceil((offset + size) / ALIGN) * ALIGN);
    // The ring advances over the end it skips when it wraps, and over the padding to the next aligned offset.
    const advance = (wrap ? cap - this.pos : 0) + (next - offset);
    if (size > cap || this.written + advance - consumed > cap) return t;
    this.region.set(new Uint8Array(t.data.buffer, t.data.byteOffset, size), offset);
    this.written += advance;
    this.pos = next;
    const wire: WireShared = {
      kind: 'shared',
      type: t.type,
      dims: t.dims,
      array: t.data.constructor.name,
      offset,
      byteLength: size,
      end: this.written,
    };
    return wire;
  }
}

type ArrayCtor = new (buffer: ArrayBuffer) => ArrayBufferView;
const arrays: Record<string, ArrayCtor> = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

/** The server's side: copies shared tensors of a reply out of the region and counts what it has read. */
export class SharedReader {
  /** The child's write count up to which everything has been copied out. */
  consumed = 0;
  /** Tensors and bytes that came through the region. */
  tensors = 0;
  bytes = 0;

  constructor(private readonly shared: { bytes: Uint8Array; mapped: boolean }) {}

  /** The reply with every shared tensor turned back into a plain one of its own memory. */
  take<T>(value: T): T {
    const v = value as { outputs?: Record<string, unknown>; tensor?: unknown };
    if (v.outputs) {
      const outputs: Record<string, unknown> = {};
      for (const [name, t] of Object.entries(v.outputs)) outputs[name] = this.copy(t);
      return { ...value, outputs };
    }
    if (v.tensor) return { ...value, tensor: this.copy(v.tensor) };
    return value;
  }

  private copy(t: unknown): unknown {
    const s = t as WireShared;
    if (typeof t !== 'object' || t === null || s.kind !== 'shared') return t;
    const Ctor = arrays[s.array];
    if (!Ctor) throw new Error(`a shared tensor of an unknown array type ${s.array}`);
    if (!this.shared.mapped) throw new Error('a shared tensor came after its process had ended');
    const region = this.shared.bytes;
    // One copy into memory of its own: the region's bytes are the child's to write again.
    const bytes = new ArrayBuffer(s.byteLength);
    new Uint8Array(bytes).set(region.subarray(s.offset, s.offset + s.byteLength));
    this.consumed = Math.max(this.consumed, s.end);
    this.tensors++;
    this.bytes += s.byteLength;
    return { kind: 'plain', type: s.type, dims: s.dims, data: new Ctor(bytes) };
  }
}
