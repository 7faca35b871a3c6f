/**
 * Protobuf field headers read straight from a file, a few bytes at a time: how the ONNX readers here find a
 * model's graph, its inputs and its nodes without decoding (or even reading) the weights stored beside them.
 */
import { open } from 'node:fs/promises';

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

/** Runs `use` with positional reads of the file at `path` (a read past the end comes back short), then closes it. */
export async function withFileReader<T>(path: string, use: (readAt: ReadAt, size: number) => Promise<T>): Promise<T> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    return await use(async (pos, len) => {
      const buf = new Uint8Array(Math.max(0, Math.min(len, size - pos)));
      await file.read(buf, 0, buf.length, pos);
      return buf;
    }, size);
  } finally {
    await file.close();
  }
}

export interface Field {
  /** The field number and its wire type (0 varint, 1 64-bit, 2 length-delimited, 5 32-bit). */
  field: number;
  wire: number;
  /** Where the header starts, where its payload starts, the payload's length and where the next field starts. */
  start: number;
  dataStart: number;
  length: number;
  next: number;
}

/** The field header at `pos`; a header cut short, an unknown wire type or a field past `end` is not an ONNX model. */
export async function fieldHeader(readAt: ReadAt, pos: number, end: number): Promise<Field> {
  const bytes = await readAt(pos, 24);
  let i = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (i >= bytes.length) throw new Error('not an ONNX model: truncated field');
      const b = bytes[i++]!;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  const tag = varint();
  const field = Math.floor(tag / 8);
  const wire = tag & 7;
  let length = 0;
  if (wire === 0) varint();
  else if (wire === 1) i += 8;
  else if (wire === 5) i += 4;
  else if (wire === 2) length = varint();
  else throw new Error(`not an ONNX model: protobuf wire type ${wire}`);
  const dataStart = pos + i;
  const next = dataStart + length;
  if (field === 0 || next > end) throw new Error('not an ONNX model: a field runs past its end');
  return { field, wire, start: pos, dataStart, length, next };
}
