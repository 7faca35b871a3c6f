/** Initializers a lowering adds: small typed constants, written as raw little-endian bytes like ONNX stores them. */
import { floatsToHalf } from '../half';
import { DataType } from './onnx-model';
import type { Tensor } from './onnx-model';

/** A float constant of `type` (FLOAT or FLOAT16; others are refused, so no lowering writes a wrong type). */
export function floatConstant(name: string, type: number, dims: number[], values: number[]): Tensor {
  if (type === DataType.FLOAT16) {
    const bits = floatsToHalf(Float32Array.from(values));
    return { name, dims, dataType: type, rawData: new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength) };
  }
  if (type === DataType.FLOAT) {
    const data = Float32Array.from(values);
    return { name, dims, dataType: type, rawData: new Uint8Array(data.buffer) };
  }
  throw new Error(`a lowering needs float or float16 values here, not ONNX type ${type}`);
}

export function int64Constant(name: string, values: number[]): Tensor {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dims: [values.length], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) };
}
