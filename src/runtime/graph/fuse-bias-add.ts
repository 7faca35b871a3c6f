/**
 * A projection's bias and the residual added after it, (X + bias) + skip with bias 1-D and X, skip of rank 3,
 * fused into com.microsoft BiasAdd(X, bias, skip). CUDA's kernel takes 320, 640 or 1280 channels only (SD's);
 * `channels` keeps the fusion to what a provider's kernel takes.
 */
import type { Model } from './onnx-model';
import { contribNode, fuseNodes, withConstant } from './fuse-match';
import type { Fused } from './fuse-match';

export function fuseBiasAdd(model: Model, options: { channels?: readonly number[] } = {}): Model {
  return fuseNodes(model, (anchor, index): Fused | undefined => {
    if (anchor.opType !== 'Add' || (anchor.domain ?? '') !== '') return undefined;
    for (const [p, skip] of [
      [anchor.input?.[0], anchor.input?.[1]],
      [anchor.input?.[1], anchor.input?.[0]],
    ]) {
      const inner = index.made(p, 'Add');
      const pair = inner && withConstant(inner, (v) => index.dims(v));
      const dims = pair ? index.dims(pair[1]) : undefined;
      if (!inner || !pair || !skip || dims?.length !== 1) continue;
      // A constant skip would be a broadcast, not a residual of X's shape.
      if (index.tensor(skip) || index.ranks.get(pair[0]) !== 3 || index.ranks.get(skip) !== 3) continue;
      if (options.channels && !options.channels.includes(dims[0]!)) continue;
      const node = contribNode(index, 'BiasAdd', anchor, [pair[0], pair[1], skip], [anchor.output![0]!]);
      return { group: [inner, anchor], nodes: [node] };
    }
    return undefined;
  });
}
