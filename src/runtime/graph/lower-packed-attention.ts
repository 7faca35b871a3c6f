/**
 * com.microsoft MultiHeadAttention with packed inputs, unpacked into the separate query, key and value the CPU and
 * WebGPU kernels take: packed QKV [B, L, N, 3, H] is split on axis 3 into three [B, L, N, 1, H] and each reshaped
 * to [B, L, N·H]; packed KV [B, L, N, 2, H] likewise into key and value. The attention node itself stays, with
 * its attributes (num_heads, scale, mask_filter_value, unidirectional) and its other inputs (bias, masks, past).
 */
import { intAttribute, opsetOf } from './onnx-model';
import type { Model } from './onnx-model';
import { PACKED_QKV, formOf } from './node-forms';
import { rewriteNodes } from './rewrite';
import type { RewriteContext } from './rewrite';

const MS = 'com.microsoft';

function unpack(ctx: RewriteContext, packed: string, parts: number, opset: number): string[] {
  const attrs = [intAttribute('axis', 3), ...(opset >= 18 ? [intAttribute('num_outputs', parts)] : [])];
  const pieces = ctx.op('Split', [packed], attrs, undefined, parts);
  const flat = ctx.int64s([0, 0, -1]);
  return pieces.map((p) => ctx.one('Reshape', [p, flat]));
}

export function lowerPackedAttention(model: Model): Model {
  const opset = opsetOf(model, '');
  return rewriteNodes(
    model,
    MS,
    'MultiHeadAttention',
    (ctx) => {
      const node = ctx.original;
      const inputs = [...(node.input ?? [])];
      const form = formOf(node);
      let qkv: string[];
      if (form === PACKED_QKV) qkv = unpack(ctx, inputs[0]!, 3, opset);
      else {
        const [k, v] = unpack(ctx, inputs[1]!, 2, opset);
        qkv = [inputs[0]!, k!, v!];
      }
      ctx.nodes.push({
        ...node,
        name: ctx.namer.name(`${node.name || 'MultiHeadAttention'}/unpacked`),
        input: [...qkv, ...inputs.slice(3)],
      });
    },
    (node) => formOf(node) !== '',
  );
}
