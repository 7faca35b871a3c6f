/**
 * Runs a graph once on onnxruntime's CPU provider in this thread and returns its first output as floats: what the
 * lowering tests compare (a lowered graph against the same computation written in plain operators).
 */
import ort from 'onnxruntime-node';

export async function runOnCpu(
  /** The bytes, or a file path (needed when the model references external weights by relative path). */
  model: Uint8Array | string,
  feeds: Record<string, { dims: number[]; data: Float32Array }>,
): Promise<Float32Array> {
  const options = { executionProviders: ['cpu'], intraOpNumThreads: 1 };
  const session = await (typeof model === 'string'
    ? ort.InferenceSession.create(model, options)
    : ort.InferenceSession.create(model, options));
  try {
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.dims)]),
    );
    const out = await session.run(tensors);
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** The largest difference between two outputs, relative to the larger magnitude (at least 1). */
export function maxRelativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!), Math.abs(b[i]!)));
  }
  return worst;
}

/** Deterministic values in [-2, 2), different per `seed`. */
export function pattern(count: number, seed: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.731 + seed * 1.3) * 2);
}

/** Half precision keeps 11 significant bits: a relative error of 2^-10 is within float16 rounding. */
export const FP16_TOLERANCE = 2 ** -10;
