/**
 * Pads a Conv's input channels to the next multiple of 4 on WebGPU: onnxruntime 1.30's WebGPU Conv computes wrong
 * results when the input has a multiple of 3 channels that is not a multiple of 4 (6, 9, 15, 18, 21, 27, 30, 33;
 * 3 itself is right), on Mesa's lavapipe (pad-conv-channels.test.ts shows it). RIFE's first block has such a
 * 15-channel convolution. Zero channels appended to the input, and zero input channels to the weight, change
 * nothing in the sum a convolution computes, so the padded Conv gives the same numbers on every provider.
 *
 * Both are Pad nodes before the Conv: the weight's Pad reads a constant, which onnxruntime folds when the session
 * is made (the weights are never rewritten here, so they may stay in the original file); the input's Pad runs on
 * the GPU each frame. Only a plain Conv with `group` 1 and its weight an initializer of known shape is padded (a
 * grouped Conv's channels belong to their groups); graphs before opset 13 are left alone, as by the lowerings.
 */
import { DataType, Namer, attr, num, opsetOf, withGraph } from './onnx-model';
import type { Graph, Model, Node, Tensor } from './onnx-model';

/** Input channel counts onnxruntime 1.30's WebGPU Conv gets wrong. */
export function wrongConvChannels(channels: number): boolean {
  return channels > 3 && channels % 3 === 0 && channels % 4 !== 0;
}

/** A Conv to pad: the node, the channels it reads and the weight's rank (the input's too). */
export interface PaddableConv {
  node: Node;
  channels: number;
  rank: number;
}

/** The Convs of `model` that `padConvChannels` pads (top-level nodes only, as the lowerings). */
export function paddableConvs(model: Model): PaddableConv[] {
  const graph = model.graph ?? {};
  if (opsetOf(model, '') < 13) return [];
  const weights = new Map<string, Tensor>((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const found: PaddableConv[] = [];
  for (const node of graph.node ?? []) {
    // FusedConv is Conv with an activation (the fused-conv pass writes it), its inputs in the same places.
    const conv = node.opType === 'Conv' && (node.domain ?? '') === '';
    if (!conv && !(node.opType === 'FusedConv' && node.domain === 'com.microsoft')) continue;
    const group = attr(node, 'group');
    if (group !== undefined && group !== 1) continue;
    const dims = (weights.get(node.input?.[1] ?? '')?.dims ?? []).map(num);
    const channels = dims[1];
    if (dims.length < 3 || channels === undefined || !wrongConvChannels(channels)) continue;
    found.push({ node, channels, rank: dims.length });
  }
  return found;
}

/** `model` with each paddable Conv reading its input and weight through Pads to a multiple of 4 channels. */
export function padConvChannels(model: Model): Model {
  const convs = paddableConvs(model);
  if (convs.length === 0) return model;
  const graph = model.graph!;
  const namer = new Namer(graph);
  const initializer = [...(graph.initializer ?? [])];
  const before = new Map<Node, Node[]>();
  const replaced = new Map<Node, Node>();
  for (const { node, channels, rank } of convs) {
    const base = node.name || 'conv';
    // [begin of each axis..., end of each axis...]: only the channel axis (1) grows, at its end.
    const pads = Array.from({ length: 2 * rank }, (_, i) => (i === rank + 1 ? 4 - (channels % 4) : 0));
    const padsName = namer.name(`${base}_channel_pads`);
    initializer.push({ name: padsName, dataType: DataType.INT64, dims: [2 * rank], int64Data: pads });
    const [x = '', w = '', ...rest] = node.input ?? [];
    const pad = (value: string, what: string): Node => ({
      opType: 'Pad',
      domain: '',
      name: namer.name(`${base}_pad_${what}`),
      input: [value, padsName],
      output: [namer.name(`${base}_padded_${what}`)],
    });
    const padX = pad(x, 'input');
    const padW = pad(w, 'weight');
    before.set(node, [padW, padX]);
    replaced.set(node, { ...node, input: [padX.output![0]!, padW.output![0]!, ...rest] });
  }
  const node = (graph.node ?? []).flatMap((n) => [...(before.get(n) ?? []), replaced.get(n) ?? n]);
  const out: Graph = { ...graph, node, initializer };
  return withGraph(model, out);
}
