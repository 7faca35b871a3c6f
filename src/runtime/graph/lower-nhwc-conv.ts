/**
 * com.microsoft NhwcConv (input and output NHWC, weight [M, kH, kW, C/group] as onnxruntime's transformer
 * optimizer writes it) rewritten as Conv between transposes. The Conv attributes (pads, strides, dilations, group,
 * kernel_shape, auto_pad) carry over unchanged. The transposes this adds cancel against the ones the exporter put
 * around each NhwcConv, and against neighbouring NHWC ops: fold-transposes.ts removes those pairs afterwards.
 */
import { intsAttribute } from './onnx-model';
import type { Model } from './onnx-model';
import { rewriteNodes } from './rewrite';

export function lowerNhwcConv(model: Model): Model {
  return rewriteNodes(model, 'com.microsoft', 'NhwcConv', (ctx) => {
    const [x, w, b] = ctx.original.input ?? [];
    const toNchw = [intsAttribute('perm', [0, 3, 1, 2])];
    const input = ctx.one('Transpose', [x!], toNchw);
    // An initializer weight is transposed once by onnxruntime's constant folding at session creation.
    const weight = ctx.one('Transpose', [w!], toNchw);
    const conv = ctx.one('Conv', b ? [input, weight, b] : [input, weight], ctx.original.attribute ?? []);
    ctx.one('Transpose', [conv], [intsAttribute('perm', [0, 2, 3, 1])], ctx.original.output![0]);
  });
}
