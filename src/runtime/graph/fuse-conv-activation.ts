/**
 * A convolution followed by its activation fused into com.microsoft FusedConv (the Conv's attributes, plus
 * `activation` and its `activation_params`): Relu, Sigmoid, Tanh and LeakyRelu, the ones the CPU, CUDA and WebGPU
 * kernels share. TAESD's decoder is Conv + Relu throughout; the UNet's SiLU is not among them.
 */
import type { Model } from './onnx-model';
import { floatsAttribute, stringAttribute, attr } from './onnx-model';
import { contribNode, fuseNodes } from './fuse-match';
import type { Fused } from './fuse-match';

const activations = ['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu'];

export function fuseConvActivation(model: Model): Model {
  return fuseNodes(model, (anchor, index): Fused | undefined => {
    if (!activations.includes(anchor.opType ?? '') || (anchor.domain ?? '') !== '') return undefined;
    const conv = index.made(anchor.input?.[0], 'Conv');
    if (!conv) return undefined;
    const params = anchor.opType === 'LeakyRelu' ? [floatsAttribute('activation_params', [leakyAlpha(anchor)])] : [];
    const attrs = [...(conv.attribute ?? []), stringAttribute('activation', anchor.opType!), ...params];
    const node = contribNode(index, 'FusedConv', anchor, [...(conv.input ?? [])], [anchor.output![0]!], attrs);
    return { group: [conv, anchor], nodes: [node] };
  });
}

function leakyAlpha(node: Parameters<typeof attr>[0]): number {
  const a = attr(node, 'alpha');
  return typeof a === 'number' ? a : 0.01;
}
