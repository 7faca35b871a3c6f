/**
 * com.microsoft GroupNorm and SkipGroupNorm (onnxruntime's diffusion contrib ops, which only the CUDA, ROCm and
 * DirectML providers run) rewritten into plain operators every provider has:
 *   [Transpose NHWC→NCHW] → Reshape [N, groups, -1, W] → InstanceNormalization (scale 1, bias 0, epsilon)
 *   → Reshape back → × gamma + beta [→ × Sigmoid (activation 1 = SiLU)] [→ Transpose back].
 * Attributes as the contrib schema defines them: epsilon (default 1e-5), groups, activation (0 none, 1 SiLU),
 * channels_last (default 1: input and output NHWC). SkipGroupNorm first forms S = X + skip (+ bias), normalises S,
 * and gives S as its optional second output.
 */
import { floatAttribute, intsAttribute } from './onnx-model';
import type { Model } from './onnx-model';
import { rewriteNodes } from './rewrite';
import type { RewriteContext } from './rewrite';

const MS = 'com.microsoft';

/** The group normalisation of `x`, written to `output`. */
function groupNorm(ctx: RewriteContext, x: string, gamma: string, beta: string, output: string): void {
  const groups = ctx.attr('groups');
  if (typeof groups !== 'number' || groups < 1) throw new Error(`${ctx.original.name}: GroupNorm without groups`);
  const epsilon = ctx.attr('epsilon');
  const activation = ctx.attr('activation') ?? 0;
  const channelsLast = (ctx.attr('channels_last') ?? 1) === 1;
  const type = ctx.typeOf(x, ctx.original.input?.[0]);

  const nchw = channelsLast ? ctx.one('Transpose', [x], [intsAttribute('perm', [0, 3, 1, 2])]) : x;
  // [N, C, H, W] → [N, groups, C/groups·H, W] and back, with 0 ("copy this axis") for N and W and the channel count
  // from gamma: no Shape node, which onnxruntime would place on the CPU inside a GPU session.
  const channels = ctx.initializers.get(gamma)?.dims?.map(Number);
  const grouped = ctx.one('Reshape', [nchw, ctx.int64s([0, groups, -1, 0])]);
  const normed = ctx.one(
    'InstanceNormalization',
    [
      grouped,
      ctx.floats(type, [groups], new Array<number>(groups).fill(1)),
      ctx.floats(type, [groups], new Array<number>(groups).fill(0)),
    ],
    [floatAttribute('epsilon', typeof epsilon === 'number' ? epsilon : 1e-5)],
  );
  const backShape = channels?.length === 1 ? ctx.int64s([0, channels[0]!, -1, 0]) : ctx.one('Shape', [nchw]);
  const back = ctx.one('Reshape', [normed, backShape]);
  const perChannel = ctx.int64s([-1, 1, 1]);
  const g = ctx.one('Reshape', [ctx.castTo(gamma, type), perChannel]);
  const b = ctx.one('Reshape', [ctx.castTo(beta, type), perChannel]);
  const last = activation === 1 || channelsLast;
  let y = ctx.one('Add', [ctx.one('Mul', [back, g]), b], [], last ? undefined : output);
  if (activation === 1) y = ctx.one('Mul', [y, ctx.one('Sigmoid', [y])], [], channelsLast ? undefined : output);
  if (channelsLast) ctx.one('Transpose', [y], [intsAttribute('perm', [0, 2, 3, 1])], output);
}

export function lowerGroupNorm(model: Model): Model {
  return rewriteNodes(model, MS, 'GroupNorm', (ctx) => {
    const [x, gamma, beta] = ctx.original.input ?? [];
    groupNorm(ctx, x!, gamma!, beta!, ctx.original.output![0]!);
  });
}

export function lowerSkipGroupNorm(model: Model): Model {
  return rewriteNodes(model, MS, 'SkipGroupNorm', (ctx) => {
    const [x, gamma, beta, skip, bias] = ctx.original.input ?? [];
    const [y, sumOut] = ctx.original.output ?? [];
    const channelsLast = (ctx.attr('channels_last') ?? 1) === 1;
    // A skip of shape (N, C) broadcasts over H and W once it is (N, 1, 1, C) — or (N, C, 1, 1) in NCHW.
    const skipRank = ctx.rankOf(skip!, model);
    const skip4 =
      skipRank === 2 ? ctx.one('Reshape', [skip!, ctx.int64s(channelsLast ? [0, 1, 1, -1] : [0, -1, 1, 1])]) : skip!;
    const withBias = bias ? undefined : sumOut || undefined;
    let sum = ctx.one('Add', [x!, skip4], [], withBias);
    if (bias) {
      const b = channelsLast ? bias : ctx.one('Reshape', [bias, ctx.int64s([-1, 1, 1])]);
      sum = ctx.one('Add', [sum, b], [], sumOut || undefined);
    }
    groupNorm(ctx, sum, gamma!, beta!, y!);
  });
}
