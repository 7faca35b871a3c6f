/**
 * Element types against a provider's table: which of a node's input types its kernels for the op do not take, and
 * whether onnxruntime's CPU provider makes up for it by computing the node in float32.
 */
import { typesAt } from './kernel-table';
import type { ProviderOps } from './provider-ops';

/**
 * The input whose element type the tables state for an op: input 0, except Where's, whose input 0 is always its
 * bool condition; its kernels are chosen by the type of the values it picks from (input 1).
 */
export const typedInput = (op: string) => (op === 'Where' ? 1 : 0);

/** The types among `types` that `t`'s kernels for the op at `opset` do not take, with those they take. */
export function typeGap(t: ProviderOps, e: Typed): { wrong: string[]; allowed: string[] } | undefined {
  const allowed = typesAt(t.types, e.domain, e.op, e.opset);
  const wrong = allowed ? e.types.filter((x) => !allowed.has(x)) : [];
  return allowed && wrong.length ? { wrong, allowed: [...allowed] } : undefined;
}

/**
 * Whether onnxruntime's CPU provider computes the gap in float32: at session creation its InsertCastTransformer
 * puts Casts to float32 around a CPU node whose float16 inputs have no float16 kernel when a float kernel exists
 * (tried with onnxruntime 1.30: Conv, InstanceNormalization, MatMul, Add, Softmax, Resize, Erf, MultiHeadAttention
 * at float16 all run; bfloat16 gets "Could not find an implementation", so only float16 is cast).
 */
export const castToFloat = (gap: { wrong: string[]; allowed: string[] }) =>
  gap.wrong.every((x) => x === 'float16') && gap.allowed.includes('float32');

/** Up to six types by name; more, the float types by name and the others counted: "float32, float64 and 8 other types". */
function listTypes(types: string[]): string {
  if (types.length <= 6) return types.join(', ');
  const floats = types.filter((t) => t.startsWith('float'));
  return `${floats.join(', ')} and ${types.length - floats.length} other types`;
}

/** `cpu has Conv only for float32, not float16` */
export const gapNote = (provider: string, op: string, gap: { wrong: string[]; allowed: string[] }) =>
  `${provider} has ${op} only for ${listTypes(gap.allowed)}, not ${gap.wrong.join(', ')}`;

/** Widened at load (widen-float16.ts), or with lowering off cast by onnxruntime around the node: float32 either way. */
export const castNote = 'computed in float32';

export type Typed = { domain: string; op: string; form: string; opset: number; types: readonly string[] };
