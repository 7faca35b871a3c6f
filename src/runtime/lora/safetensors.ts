/**
 * Reads a `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
 * shape and byte range, then the bytes. F32, F16 and BF16 tensors come back as float32 (LoRAs are small: reading
 * them whole costs megabytes). A file that does not follow the format is refused with a sentence.
 */
import { z } from 'zod';
import { halfToFloats } from '../half';

export interface FloatTensor {
  dims: number[];
  data: Float32Array;
}

const entry = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});

const bytesPer: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

export function readSafetensors(bytes: Uint8Array): {
  tensors: Map<string, FloatTensor>;
  metadata: Record<string, string>;
} {
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw new Error('not a safetensors file: its header runs past the end');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch {
    throw new Error('not a safetensors file: its header is not JSON');
  }
  const body = bytes.subarray(8 + headerLength);
  let metadata: Record<string, string> = {};
  const parsed: { name: string; dtype: string; shape: number[]; from: number; to: number; count: number }[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = z.record(z.string(), z.string()).catch({}).parse(value);
      continue;
    }
    const e = entry.safeParse(value);
    if (!e.success) throw new Error(`safetensors: tensor "${name}" has no valid dtype, shape and data_offsets`);
    const {
      dtype,
      shape,
      data_offsets: [from, to],
    } = e.data;
    const size = bytesPer[dtype];
    if (!size) throw new Error(`safetensors: tensor "${name}" is ${dtype}; only F32, F16 and BF16 are read`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (to > body.length || to - from !== count * size) {
      throw new Error(`safetensors: tensor "${name}" has ${to - from} bytes for shape [${shape.join(', ')}] ${dtype}`);
    }
    parsed.push({ name, dtype, shape, from, to, count });
  }
  checkLayout(parsed, body.length);
  const tensors = new Map<string, FloatTensor>();
  for (const { name, dtype, shape, from, to, count } of parsed) {
    // Copied: a Buffer's slice is a view at any byte offset, and a Float32Array needs one aligned to 4.
    const raw = Uint8Array.prototype.slice.call(body, from, to);
    tensors.set(name, { dims: shape, data: toFloats(dtype, raw, count) });
  }
  return { tensors, metadata };
}

/**
 * The format lays the tensors back to back over the whole body. Checked before anything is copied: tensors
 * that share bytes would let a small file be read as many times its size (each one is copied), and a gap or a
 * tail is not a file a writer made.
 */
function checkLayout(parsed: readonly { name: string; from: number; to: number }[], bodyLength: number): void {
  let end = 0;
  for (const t of [...parsed].sort((a, b) => a.from - b.from || a.to - b.to)) {
    if (t.from < end) throw new Error(`safetensors: tensor "${t.name}" overlaps another (bytes ${t.from} to ${end})`);
    if (t.from > end) throw new Error(`safetensors: the header leaves bytes ${end} to ${t.from} unused`);
    end = t.to;
  }
  if (end !== bodyLength) throw new Error(`safetensors: the header leaves bytes ${end} to ${bodyLength} unused`);
}

function toFloats(dtype: string, raw: Uint8Array, count: number): Float32Array {
  if (dtype === 'F32') return new Float32Array(raw.buffer, raw.byteOffset, count);
  const bits = new Uint16Array(raw.buffer, raw.byteOffset, count);
  if (dtype === 'F16') return halfToFloats(bits);
  // BF16 is the top half of a float32.
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = bits[i]! << 16;
  return new Float32Array(out.buffer);
}
