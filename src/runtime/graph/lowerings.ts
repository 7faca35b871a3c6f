/**
 * The lowerings this project knows: which contrib operator each rewrites, into which plain operators (the provider
 * must run those, or the lowering does not help it), and the pass. The order of `lowerModel` matters only in that
 * the transpose folding runs last, once every NHWC op has become NCHW between transposes.
 */
import { foldTransposes } from './fold-transposes';
import { lowerBiasAdd } from './lower-bias-add';
import { lowerBiasSplitGelu } from './lower-bias-split-gelu';
import { lowerGroupNorm, lowerSkipGroupNorm } from './lower-group-norm';
import { lowerNhwcConv } from './lower-nhwc-conv';
import { lowerPackedAttention } from './lower-packed-attention';
import { PACKED_KV, PACKED_QKV } from './node-forms';
import { normalDomain } from './kernel-table';
import type { Model } from './onnx-model';

export interface Lowering {
  domain: string;
  op: string;
  /** The form of the op it rewrites ('' for every node of the op); see node-forms.ts. */
  form: string;
  /** The ai.onnx operators the rewrite emits. */
  into: readonly string[];
  /** Contrib operators the result still holds (in their plain form), which the provider must have. */
  keeps: readonly string[];
  pass: (model: Model) => Model;
}

/** The lowerings need the opset-13 forms of Reshape, Split and Squeeze; older graphs are not lowered. */
export const minLoweringOpset = 13;

export const lowerings: readonly Lowering[] = [
  {
    domain: 'com.microsoft',
    op: 'GroupNorm',
    form: '',
    keeps: [],
    into: ['Transpose', 'Shape', 'Reshape', 'InstanceNormalization', 'Cast', 'Mul', 'Add', 'Sigmoid'],
    pass: lowerGroupNorm,
  },
  {
    domain: 'com.microsoft',
    op: 'SkipGroupNorm',
    form: '',
    keeps: [],
    into: ['Transpose', 'Shape', 'Reshape', 'InstanceNormalization', 'Cast', 'Mul', 'Add', 'Sigmoid'],
    pass: lowerSkipGroupNorm,
  },
  { domain: 'com.microsoft', op: 'NhwcConv', form: '', keeps: [], into: ['Transpose', 'Conv'], pass: lowerNhwcConv },
  {
    domain: 'com.microsoft',
    op: 'BiasSplitGelu',
    form: '',
    keeps: [],
    into: ['Add', 'Split', 'Div', 'Erf', 'Mul'],
    pass: lowerBiasSplitGelu,
  },
  { domain: 'com.microsoft', op: 'BiasAdd', form: '', keeps: [], into: ['Add'], pass: lowerBiasAdd },
  ...[PACKED_QKV, PACKED_KV].map((form) => ({
    domain: 'com.microsoft',
    op: 'MultiHeadAttention',
    form,
    into: ['Split', 'Reshape'],
    keeps: ['MultiHeadAttention'],
    pass: lowerPackedAttention,
  })),
];

export function loweringFor(domain: string, op: string, form = ''): Lowering | undefined {
  return lowerings.find((l) => l.domain === normalDomain(domain) && l.op === op && l.form === form);
}

/** Applies the lowerings for the (domain, op, form) entries in `ops`, then folds the transposes they leave. */
export function lowerModel(model: Model, ops: readonly { domain: string; op: string; form?: string }[]): Model {
  let out = model;
  for (const { domain, op, form } of ops) {
    const l = loweringFor(domain, op, form ?? '');
    if (l) out = l.pass(out);
  }
  return foldTransposes(out);
}
