/** Writes `.safetensors` bytes (F32, or F16 for the named tensors) for tests that generate LoRA files. */
import { floatsToHalf } from '../half';

export function writeSafetensors(
  tensors: Record<string, { dims: number[]; data: Float32Array }>,
  o: { half?: readonly string[]; metadata?: Record<string, string> } = {},
): Uint8Array {
  const header: Record<string, unknown> = o.metadata ? { __metadata__: o.metadata } : {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const half = o.half?.includes(name) ?? false;
    const typed = half ? floatsToHalf(t.data) : t.data;
    const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    header[name] = { dtype: half ? 'F16' : 'F32', shape: t.dims, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
