/**
 * Applies LoRAs to a graph at load, as low-rank branches beside the MatMuls they change: for a MatMul `y = x · W`
 * whose weight initializer is `<module>.weight` ([in, out]) and a LoRA pair for that module,
 * `y = x · W + s · ((x · Aᵀ) · (Bᵀ · alpha/rank))`, where A is the pair's down [rank, in], B its up [out, rank] and
 * `s` a scalar graph input. The strength is then a feed like any other: it changes per frame with no reload, and
 * s = 0 gives the base graph's output. Several LoRAs add several branches, each with its own strength input.
 */
import { DataType, decodeModel, encodeModel, num } from '../graph/onnx-model';
import type { Node, Tensor } from '../graph/onnx-model';
import { moduleKey } from './lora-keys';
import type { LoraPair } from './lora-keys';

export interface LoraToApply {
  /** Name, for the sentences (`detail-tweaker.safetensors`). */
  name: string;
  pairs: Map<string, LoraPair>;
  /** The scalar float graph input that carries its strength (`lora_scale`, `lora_scale2`, ...). */
  strengthInput: string;
}

/** The graph with the branches added, and how many MatMuls each LoRA reached. */
export function applyLoras(model: Uint8Array, loras: readonly LoraToApply[]): { model: Uint8Array; matched: number[] } {
  const m = decodeModel(model);
  const graph = m.graph!;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const nodes: Node[] = [];
  const matched = loras.map(() => 0);
  for (const node of graph.node ?? []) {
    nodes.push(node);
    const weight = node.opType === 'MatMul' ? inits.get(node.input?.[1] ?? '') : undefined;
    if (!weight || !weight.name?.endsWith('.weight')) continue;
    const key = moduleKey(weight.name.slice(0, -'.weight'.length));
    const hits = loras.map((l, i) => [l, l.pairs.get(key), i] as const).filter(([, p]) => p !== undefined);
    if (hits.length === 0) continue;
    const out = node.output![0]!;
    let sum = `${out}/base`;
    node.output = [sum];
    for (const [lora, pair, i] of hits) {
      const names = branchWeights(weight, pair!, `${weight.name}.lora${i}`, lora.name);
      graph.initializer!.push(names.a, names.b);
      const x = node.input![0]!;
      const tag = `${out}/lora${i}`;
      nodes.push(
        { opType: 'MatMul', input: [x, names.a.name!], output: [`${tag}/down`], name: `${tag}/down` },
        { opType: 'MatMul', input: [`${tag}/down`, names.b.name!], output: [`${tag}/up`], name: `${tag}/up` },
        { opType: 'Mul', input: [`${tag}/up`, lora.strengthInput], output: [`${tag}/scaled`], name: `${tag}/scaled` },
      );
      const last = hits[hits.length - 1]![2] === i;
      const next = last ? out : `${tag}/sum`;
      nodes.push({ opType: 'Add', input: [sum, `${tag}/scaled`], output: [next], name: `${tag}/add` });
      sum = next;
      matched[i]!++;
    }
  }
  loras.forEach((l, i) => {
    if (matched[i] === 0) throw new Error(`LoRA ${l.name} matches no MatMul weight of this graph`);
    graph.input!.push({
      name: l.strengthInput,
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [] } } },
    });
  });
  graph.node = nodes;
  return { model: encodeModel(m), matched };
}

/** Aᵀ [in, rank] and Bᵀ · scale [rank, out] as float initializers, after checking they fit the weight. */
function branchWeights(weight: Tensor, pair: LoraPair, prefix: string, lora: string): { a: Tensor; b: Tensor } {
  if (weight.dataType !== DataType.FLOAT) {
    throw new Error(`LoRA ${lora}: ${weight.name} is not float32 (float16 graphs take LoRAs in a later version)`);
  }
  const [cin, cout] = (weight.dims ?? []).map(num);
  const [rank, din] = pair.down.dims;
  const [dout] = pair.up.dims;
  if (din !== cin || dout !== cout) {
    throw new Error(
      `LoRA ${lora}: ${weight.name} is [${cin}, ${cout}] but the pair is down [${pair.down.dims}], up [${pair.up.dims}]`,
    );
  }
  const a = new Float32Array(cin! * rank!);
  for (let r = 0; r < rank!; r++) for (let c = 0; c < cin!; c++) a[c * rank! + r] = pair.down.data[r * cin! + c]!;
  const b = new Float32Array(rank! * cout!);
  for (let o = 0; o < cout!; o++)
    for (let r = 0; r < rank!; r++) b[r * cout! + o] = pair.up.data[o * rank! + r]! * pair.scale;
  const tensor = (name: string, dims: number[], data: Float32Array): Tensor => ({
    name,
    dims,
    dataType: DataType.FLOAT,
    rawData: new Uint8Array(data.buffer),
  });
  return { a: tensor(`${prefix}.A`, [cin!, rank!], a), b: tensor(`${prefix}.B`, [rank!, cout!], b) };
}
