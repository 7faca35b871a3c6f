/**
 * The residual add before a LayerNormalization fused into com.microsoft SkipLayerNormalization: LayerNorm(X + skip)
 * over the last axis, X and skip of rank 3 → SkipLayerNormalization(X, skip, gamma, beta[, bias]); when the sum is
 * read elsewhere too (the residual stream goes on), it comes out as the op's fourth output under its old name. A
 * projection bias on X (X = Y + bias, bias 1-D, read only here) is folded in as the op's bias input.
 */
import type { Model, Node } from './onnx-model';
import { attr, floatAttribute } from './onnx-model';
import { contribNode, fuseNodes, withConstant } from './fuse-match';
import type { Fused } from './fuse-match';

export function fuseSkipLayerNorm(model: Model): Model {
  return fuseNodes(model, (anchor, index): Fused | undefined => {
    if (anchor.opType !== 'LayerNormalization' || (anchor.domain ?? '') !== '') return undefined;
    const axis = attr(anchor, 'axis');
    // Only the normalised output: the mean and inverse deviation outputs are not the same in the fused op.
    if (!(axis === undefined || axis === -1 || axis === 2) || (anchor.output ?? []).filter(Boolean).length !== 1)
      return undefined;
    const [sum, gamma, beta] = anchor.input ?? [];
    const add = index.made(sum, 'Add');
    const [a, b] = add?.input ?? [];
    if (!add || !a || !b || !gamma || index.ranks.get(a) !== 3 || index.ranks.get(b) !== 3) return undefined;
    if (index.tensor(a) || index.tensor(b)) return undefined;
    const group: Node[] = [add, anchor];
    let [x, skip, bias] = [a, b, ''];
    for (const [p, s] of [
      [a, b],
      [b, a],
    ] as const) {
      const inner = index.made(p, 'Add');
      const pair = inner && withConstant(inner, (v) => index.dims(v));
      if (inner && pair && index.dims(pair[1])?.length === 1 && index.inner(p, [add])) {
        [x, skip, bias] = [pair[0], s, pair[1]];
        group.unshift(inner);
        break;
      }
    }
    const read = (index.readers.get(sum!) ?? []).some((r) => r !== anchor) || index.graphOutputs.has(sum!);
    const epsilon = attr(anchor, 'epsilon');
    const inputs = [x, skip, gamma, beta ?? '', ...(bias ? [bias] : [])];
    const outputs = [anchor.output![0]!, ...(read ? ['', '', sum!] : [])];
    const attrs = [floatAttribute('epsilon', typeof epsilon === 'number' ? epsilon : 1e-5)];
    return { group, nodes: [contribNode(index, 'SkipLayerNormalization', anchor, inputs, outputs, attrs)] };
  });
}
