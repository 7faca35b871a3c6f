/**
 * The GEGLU of a diffusion UNet's feed-forward fused into com.microsoft BiasSplitGelu: A = X + bias (bias 1-D of
 * 2D), split in halves on the last axis (two Slices or a Split), left × Gelu(right) → BiasSplitGelu(X, bias),
 * [B, S, D]. X must be of rank 3. CUDA's kernel takes only hidden sizes 2D of 2560, 5120 or 10240 (SD's
 * 320/640/1280 channels × 8); `hiddenSizes` keeps the fusion to the sizes a provider's kernel takes.
 */
import type { Model, Node } from './onnx-model';
import { attr, opsetOf } from './onnx-model';
import { contribNode, fuseNodes, withConstant } from './fuse-match';
import type { Fused, GraphIndex } from './fuse-match';
import { matchGelu } from './fuse-gelu-match';

/** The halves of A on its last axis: [left, right] values made by two Slices or one Split of A. */
function halves(index: GraphIndex, left: string, right: string, width: number) {
  const sl = index.made(left, 'Slice');
  const sr = index.made(right, 'Slice');
  if (sl && sr && sl.input?.[0] === sr.input?.[0]) {
    const last = (s: Node) => {
      const [starts, ends, axes, steps] = [2, 3, 4, 5].map((i) => index.ints(s.input?.[i - 1] || undefined));
      const axisOk = axes?.length === 1 && (axes[0] === -1 || axes[0] === 2);
      const stepOk = !s.input?.[4] || (steps?.length === 1 && steps[0] === 1);
      return axisOk && stepOk && starts?.length === 1 && ends?.length === 1 ? [starts[0]!, ends[0]!] : undefined;
    };
    const [l, r] = [last(sl), last(sr)];
    const half = width / 2;
    if (l?.[0] === 0 && l[1] === half && r?.[0] === half && r[1]! >= width)
      return { a: sl.input![0]!, group: [sl, sr] };
    return undefined;
  }
  const split = index.made(left, 'Split');
  if (!split || split.output?.[0] !== left || split.output?.[1] !== right || split.output.length !== 2)
    return undefined;
  const axis = attr(split, 'axis');
  const sizes = index.ints(split.input?.[1]) ?? (attr(split, 'split') as number[] | undefined);
  if (!(axis === -1 || axis === 2) || (sizes && !(sizes[0] === width / 2 && sizes[1] === width / 2))) return undefined;
  return { a: split.input![0]!, group: [split] };
}

export function fuseBiasSplitGelu(model: Model, options: { hiddenSizes?: readonly number[] } = {}): Model {
  if (opsetOf(model, '') < 13) return model;
  return fuseNodes(model, (anchor, index): Fused | undefined => {
    if (anchor.opType !== 'Mul' || (anchor.domain ?? '') !== '') return undefined;
    for (const [l, g] of [
      [anchor.input?.[0], anchor.input?.[1]],
      [anchor.input?.[1], anchor.input?.[0]],
    ]) {
      const gelu = matchGelu(index, g);
      if (!gelu || !l) continue;
      // The width comes from the bias: the add below must be X + a 1-D constant.
      const guess = halvesOf(index, l, gelu.x);
      if (!guess) continue;
      const { add, x, bias, width, split } = guess;
      if (options.hiddenSizes && !options.hiddenSizes.includes(width)) continue;
      if (index.ranks.get(x) !== 3) continue;
      const group = [add, ...split, ...gelu.group, anchor];
      return { group, nodes: [contribNode(index, 'BiasSplitGelu', anchor, [x, bias], [anchor.output![0]!])] };
    }
    return undefined;
  });

  function halvesOf(index: GraphIndex, left: string, right: string) {
    const a = index.made(left, 'Slice')?.input?.[0] ?? index.made(left, 'Split')?.input?.[0];
    const add = index.made(a, 'Add');
    const pair = add && withConstant(add, (v) => index.dims(v));
    const dims = pair ? index.dims(pair[1]) : undefined;
    if (!add || !pair || dims?.length !== 1) return undefined;
    const width = dims[0]!;
    const split = halves(index, left, right, width);
    if (!split || split.a !== add.output?.[0]) return undefined;
    return { add, x: pair[0], bias: pair[1], width, split: split.group };
  }
}
