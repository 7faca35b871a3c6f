/**
 * com.microsoft BiasSplitGelu (the GEGLU of a diffusion UNet's feed-forward, which the CPU provider lacks):
 * with A = X + bias split in two halves on the last axis, Y = left × Gelu(right), Gelu being the exact (erf) one:
 * Gelu(r) = 0.5 · r · (1 + erf(r / √2)).
 */
import { intAttribute, opsetOf } from './onnx-model';
import type { Model } from './onnx-model';
import { rewriteNodes } from './rewrite';

export function lowerBiasSplitGelu(model: Model): Model {
  const opset = opsetOf(model, '');
  return rewriteNodes(model, 'com.microsoft', 'BiasSplitGelu', (ctx) => {
    const [x, bias] = ctx.original.input ?? [];
    const type = ctx.typeOf(x!);
    const a = ctx.one('Add', [x!, bias!]);
    // Split into two equal halves: opset 18 names the count, 13–17 infer it from the two outputs.
    const splitAttrs = [intAttribute('axis', -1), ...(opset >= 18 ? [intAttribute('num_outputs', 2)] : [])];
    const [left, right] = ctx.op('Split', [a], splitAttrs, undefined, 2);
    const erf = ctx.one('Erf', [ctx.one('Div', [right!, ctx.floats(type, [], [Math.SQRT2])])]);
    const half = ctx.one('Mul', [right!, ctx.floats(type, [], [0.5])]);
    const gelu = ctx.one('Mul', [half, ctx.one('Add', [erf, ctx.floats(type, [], [1])])]);
    ctx.one('Mul', [left!, gelu], [], ctx.original.output![0]);
  });
}
