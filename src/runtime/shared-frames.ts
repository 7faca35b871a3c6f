/**
 * Big tensors between the server and its sessions' child process through shared memory (shared-region.ts)
 * instead of the IPC pipe: one ring each way, in the two halves of one region. The writer puts each tensor into
 * its ring and sends where it lies; the reader copies it out as soon as the message arrives (one copy, where the
 * pipe costs a serialisation, two copies through the socket and a deserialisation) and tells the writer, with its
 * next message, how far it has read. A writer writes only over bytes already read, and falls back to the pipe
 * when its ring has no room, so a slow reader never sees its data overwritten. Crash isolation is unchanged: the
 * child only ever writes bytes, never the server's objects, and a lost child's region is dropped with it.
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
  /** Written there by onnxruntime itself (no copy on the writer's side). */
  direct?: true;
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

/** Room taken in a ring for one tensor: `bytes` are the writer's to fill until `end` has been read. */
export interface Slot {
  offset: number;
  bytes: Uint8Array;
  /** The writer's count after this slot: the reader's read count once it has taken it. */
  end: number;
}

/** The writing side of a ring: puts big tensors of a message into it while it has room. */
export class SharedWriter {
  private written = 0;
  private pos = 0;
  /** Tensors and bytes that went through the region; of the tensors, those written there by onnxruntime. */
  tensors = 0;
  bytes = 0;
  direct = 0;

  constructor(private readonly region: Uint8Array) {}

  /**
   * The message with its big tensors (a reply's run outputs or read tensor, a request's feeds or uploaded tensor)
   * moved into the region where they fit.
   */
  place<T>(value: T, consumed: number): T {
    return mapTensors(value, (t) => this.put(t, consumed));
  }

  /**
   * Takes `size` bytes of the ring that the reader has finished with (it has read up to `consumed`), for a tensor
   * to be written straight into (a run's output, by onnxruntime itself); undefined when there is no room. A slot
   * is never handed out twice before the reader has read past its end, so whatever the reader has not taken yet
   * stays as it was written. A slot left unused costs nothing lasting: the next slot's end covers it.
   */
  reserve(size: number, consumed: number): Slot | undefined {
    const cap = this.region.byteLength;
    // Everything written was read: start again at the front, so the same pages serve every frame.
    if (consumed >= this.written) this.pos = 0;
    const wrap = this.pos + size > cap;
    const offset = wrap ? 0 : this.pos;
    const next = Math.min(cap, Math.ceil((offset + size) / ALIGN) * ALIGN);
    // The ring advances over the end it skips when it wraps, and over the padding to the next aligned offset.
    const advance = (wrap ? cap - this.pos : 0) + (next - offset);
    if (size > cap || this.written + advance - consumed > cap) return undefined;
    this.written += advance;
    this.pos = next;
    return { offset, bytes: this.region.subarray(offset, offset + size), end: this.written };
  }

  /** The wire form of a tensor whose bytes were written into `slot`; counts it as sent through the region. */
  sent(slot: Slot, t: { type: string; dims: readonly number[]; array: string }, direct = false): WireShared {
    this.tensors++;
    this.bytes += slot.bytes.byteLength;
    if (direct) this.direct++;
    const { offset, end } = slot;
    return {
      kind: 'shared',
      type: t.type,
      dims: [...t.dims],
      array: t.array,
      offset,
      byteLength: slot.bytes.byteLength,
      end,
      ...(direct ? { direct: true as const } : {}),
    };
  }

  private put(t: unknown, consumed: number): unknown {
    if (!isBig(t)) return t;
    const slot = this.reserve(t.data.byteLength, consumed);
    if (!slot) return t;
    slot.bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    return this.sent(slot, { type: t.type, dims: t.dims, array: t.data.constructor.name });
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

/** The reading side of a ring: copies shared tensors of a message out of it and counts what it has read. */
export class SharedReader {
  /** The child's write count up to which everything has been copied out. */
  consumed = 0;
  /** Tensors and bytes that came through the region; of the tensors, those the writer did not copy in. */
  tensors = 0;
  bytes = 0;
  direct = 0;

  constructor(private readonly shared: { bytes: Uint8Array; mapped: boolean }) {}

  /** The message with every shared tensor turned back into a plain one of its own memory. */
  take<T>(value: T): T {
    return mapTensors(value, (t) => this.copy(t));
  }

  private copy(t: unknown): unknown {
    const s = t as WireShared;
    if (typeof t !== 'object' || t === null || s.kind !== 'shared') return t;
    const Ctor = arrays[s.array];
    if (!Ctor) throw new Error(`a shared tensor of an unknown array type ${s.array}`);
    if (!this.shared.mapped) throw new Error('a shared tensor came after its process had ended');
    const region = this.shared.bytes;
    // One copy into memory of its own: the region's bytes are the child's to write again once this was read, and
    // a frame has no end of life to wait for (outputs keep the newest, the output delay keeps seconds of them).
    // Not zeroed first: every byte is written at once, and zeroing 8 MiB costs as much as the copy.
    const own = Buffer.allocUnsafeSlow(s.byteLength);
    own.set(region.subarray(s.offset, s.offset + s.byteLength));
    const bytes = own.buffer as ArrayBuffer;
    this.consumed = Math.max(this.consumed, s.end);
    this.tensors++;
    this.bytes += s.byteLength;
    if (s.direct) this.direct++;
    return { kind: 'plain', type: s.type, dims: s.dims, data: new Ctor(bytes) };
  }
}

/** `value` with `f` applied to each tensor where messages carry them: `outputs`, `feeds` (records), `tensor`. */
function mapTensors<T>(value: T, f: (t: unknown) => unknown): T {
  if (typeof value !== 'object' || value === null) return value;
  const v = value as { outputs?: Record<string, unknown>; feeds?: Record<string, unknown>; tensor?: unknown };
  const each = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, t]) => [k, f(t)]));
  if (v.outputs) return { ...value, outputs: each(v.outputs) };
  if (v.feeds) return { ...value, feeds: each(v.feeds) };
  if (v.tensor) return { ...value, tensor: f(v.tensor) };
  return value;
}
