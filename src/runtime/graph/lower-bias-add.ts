/** com.microsoft BiasAdd (Y = X + bias + skip, from onnxruntime's diffusion optimizer) as two plain Adds. */
import type { Model } from './onnx-model';
import { rewriteNodes } from './rewrite';

export function lowerBiasAdd(model: Model): Model {
  return rewriteNodes(model, 'com.microsoft', 'BiasAdd', (ctx) => {
    const [x, bias, skip] = ctx.original.input ?? [];
    ctx.one('Add', [ctx.one('Add', [x!, bias!]), skip!], [], ctx.original.output![0]);
  });
}
