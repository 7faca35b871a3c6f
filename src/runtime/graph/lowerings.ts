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
import { normalDomain } from './kernel-table';
import type { Model } from './onnx-model';

export interface Lowering {
  domain: string;
  op: string;
  /** The ai.onnx operators the rewrite emits. */
  into: readonly string[];
  pass: (model: Model) => Model;
}

/** The lowerings need the opset-13 forms of Reshape, Split and Squeeze; older graphs are not lowered. */
export const minLoweringOpset = 13;

export const lowerings: readonly Lowering[] = [
  {
    domain: 'com.microsoft',
    op: 'GroupNorm',
    into: ['Transpose', 'Shape', 'Reshape', 'InstanceNormalization', 'Cast', 'Mul', 'Add', 'Sigmoid'],
    pass: lowerGroupNorm,
  },
  {
    domain: 'com.microsoft',
    op: 'SkipGroupNorm',
    into: ['Transpose', 'Shape', 'Reshape', 'InstanceNormalization', 'Cast', 'Mul', 'Add', 'Sigmoid'],
    pass: lowerSkipGroupNorm,
  },
  { domain: 'com.microsoft', op: 'NhwcConv', into: ['Transpose', 'Conv'], pass: lowerNhwcConv },
  {
    domain: 'com.microsoft',
    op: 'BiasSplitGelu',
    into: ['Add', 'Split', 'Div', 'Erf', 'Mul'],
    pass: lowerBiasSplitGelu,
  },
  { domain: 'com.microsoft', op: 'BiasAdd', into: ['Add'], pass: lowerBiasAdd },
];

export function loweringFor(domain: string, op: string): Lowering | undefined {
  return lowerings.find((l) => l.domain === normalDomain(domain) && l.op === op);
}

/** Applies the lowerings for the (domain, op) pairs in `ops`, then folds the transposes they leave in pairs. */
export function lowerModel(model: Model, ops: readonly { domain: string; op: string }[]): Model {
  let out = model;
  for (const { domain, op } of ops) {
    const l = loweringFor(domain, op);
    if (l) out = l.pass(out);
  }
  return foldTransposes(out);
}
