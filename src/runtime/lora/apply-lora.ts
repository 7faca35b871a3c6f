/**
 * Applies LoRAs to a graph at load, as low-rank branches beside the MatMuls they change: for a MatMul `y = x · W`
 * whose weight ([in, out]) belongs to a module a LoRA pair is for,
 * `y = x · W + s · ((x · Aᵀ) · (Bᵀ · alpha/rank))`, where A is the pair's down [rank, in], B its up [out, rank] and
 * `s` a scalar float graph input. The strength is then a feed like any other: it changes per frame with no reload,
 * and s = 0 gives the base graph's output. Several LoRAs add several branches, each with its own strength input.
 *
 * A MatMul's module is read from its weight's name (`<module>.weight`, as the project's stand-ins and exports that
 * keep parameter names write it), else from the node's name, which torch's exporter writes as the module's scope
 * (`/down_blocks.0/attentions.0/transformer_blocks.0/attn1/to_q/MatMul`) while it names the folded, transposed
 * weight `onnx::MatMul_1234`. A float16 graph gets float16 branches and its strength cast to float16 once.
 */
import { DataType, decodeModel, encodeModel, intAttribute, num } from '../graph/onnx-model';
import type { Model, Node, Tensor } from '../graph/onnx-model';
import { floatsToHalf } from '../half';
import { moduleKey } from './lora-keys';
import type { LoraPair } from './lora-keys';

export interface LoraToApply {
  /** Name, for the sentences (`detail-tweaker.safetensors`). */
  name: string;
  pairs: Map<string, LoraPair>;
  /** The scalar float graph input that carries its strength (`lora_scale`, `lora_scale2`, ...). */
  strengthInput: string;
}

export interface ApplyOptions {
  /** Throw when a LoRA reaches no MatMul of this graph (default). Off for a graph that is one of several targets. */
  requireMatch?: boolean;
  /** Put before each module's key when looking it up (SECOND_TEXT_ENCODER for SDXL's second text encoder). */
  keyPrefix?: string;
}

/** The graph with the branches added, and how many MatMuls each LoRA reached. */
export function applyLoras(
  model: Uint8Array,
  loras: readonly LoraToApply[],
  o: ApplyOptions = {},
): { model: Uint8Array; matched: number[] } {
  const { model: out, matched } = applyLorasToModel(decodeModel(model), loras, o);
  return { model: encodeModel(out), matched };
}

/**
 * The same on a decoded model (its weights may be external references: only their names, shapes and types are
 * read). A LoRA that reaches nothing adds no strength input. The model is changed in place and returned.
 */
export function applyLorasToModel(
  m: Model,
  loras: readonly LoraToApply[],
  o: ApplyOptions = {},
): { model: Model; matched: number[] } {
  const graph = m.graph!;
  graph.initializer ??= [];
  graph.input ??= [];
  const inits = new Map(graph.initializer.map((t) => [t.name ?? '', t]));
  const nodes: Node[] = [];
  const matched = loras.map(() => 0);
  const halfStrength = new Map<string, string>();
  for (const node of graph.node ?? []) {
    nodes.push(node);
    const weight = node.opType === 'MatMul' ? inits.get(node.input?.[1] ?? '') : undefined;
    const module = weight && moduleOf(weight, node);
    if (!module) continue;
    const key = (o.keyPrefix ?? '') + moduleKey(module);
    const hits = loras.map((l, i) => [l, l.pairs.get(key), i] as const).filter(([, p]) => p !== undefined);
    if (hits.length === 0) continue;
    const half = weight.dataType === DataType.FLOAT16;
    const out = node.output![0]!;
    let sum = `${out}/base`;
    node.output = [sum];
    for (const [index, [lora, pair, i]] of hits.entries()) {
      const names = branchWeights(weight, pair!, `${module}.lora${i}`, lora.name);
      graph.initializer.push(names.a, names.b);
      const x = node.input![0]!;
      const tag = `${out}/lora${i}`;
      let strength = lora.strengthInput;
      if (half) {
        if (!halfStrength.has(strength)) {
          const cast = `${strength}/half`;
          nodes.unshift({ opType: 'Cast', input: [strength], output: [cast], name: cast, attribute: [toHalf] });
          halfStrength.set(strength, cast);
        }
        strength = halfStrength.get(strength)!;
      }
      nodes.push(
        { opType: 'MatMul', input: [x, names.a.name!], output: [`${tag}/down`], name: `${tag}/down` },
        { opType: 'MatMul', input: [`${tag}/down`, names.b.name!], output: [`${tag}/up`], name: `${tag}/up` },
        { opType: 'Mul', input: [`${tag}/up`, strength], output: [`${tag}/scaled`], name: `${tag}/scaled` },
      );
      const next = index === hits.length - 1 ? out : `${tag}/sum`;
      nodes.push({ opType: 'Add', input: [sum, `${tag}/scaled`], output: [next], name: `${tag}/add` });
      sum = next;
      matched[i]!++;
    }
  }
  loras.forEach((l, i) => {
    if (matched[i] === 0) {
      if (o.requireMatch ?? true) throw new Error(`LoRA ${l.name} matches no MatMul weight of this graph`);
      return;
    }
    graph.input!.push({
      name: l.strengthInput,
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [] } } },
    });
  });
  graph.node = nodes;
  return { model: m, matched };
}

const toHalf = intAttribute('to', DataType.FLOAT16);

/** The module a MatMul's weight belongs to, in dotted form, or undefined when neither name says. */
function moduleOf(weight: Tensor, node: Node): string | undefined {
  const name = weight.name ?? '';
  if (name.endsWith('.weight')) return name.slice(0, -'.weight'.length);
  // torch's scope names: "/<a>/<b.0>/<c>/MatMul" (a numbered "MatMul_1" is a second MatMul of the same module).
  const scope = /^\/(.+)\/MatMul(_\d+)?$/.exec(node.name ?? '');
  return scope ? scope[1]!.split('/').join('.') : undefined;
}

/** Aᵀ [in, rank] and Bᵀ · scale [rank, out], in the weight's type, after checking they fit the weight. */
function branchWeights(weight: Tensor, pair: LoraPair, prefix: string, lora: string): { a: Tensor; b: Tensor } {
  const type = weight.dataType;
  if (type !== DataType.FLOAT && type !== DataType.FLOAT16) {
    throw new Error(`LoRA ${lora}: ${weight.name} is neither float32 nor float16`);
  }
  const [cin, cout] = (weight.dims ?? []).map(num);
  const [rank, din] = pair.down.dims;
  const [dout] = pair.up.dims;
  if (din !== cin || dout !== cout) {
    throw new Error(
      `LoRA ${lora}: ${weight.name} is [${cin}, ${cout}] but the pair is down [${pair.down.dims}], up [${pair.up.dims}] (a LoRA for another model?)`,
    );
  }
  const a = new Float32Array(cin! * rank!);
  for (let r = 0; r < rank!; r++) for (let c = 0; c < cin!; c++) a[c * rank! + r] = pair.down.data[r * cin! + c]!;
  const b = new Float32Array(rank! * cout!);
  for (let o = 0; o < cout!; o++)
    for (let r = 0; r < rank!; r++) b[r * cout! + o] = pair.up.data[o * rank! + r]! * pair.scale;
  const tensor = (name: string, dims: number[], data: Float32Array): Tensor => {
    const typed = type === DataType.FLOAT16 ? floatsToHalf(data) : data;
    return { name, dims, dataType: type, rawData: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) };
  };
  return { a: tensor(`${prefix}.A`, [cin!, rank!], a), b: tensor(`${prefix}.B`, [rank!, cout!], b) };
}
