/**
 * Layers of the stand-in networks (random weights at the real sizes), written as plain ONNX operators in the
 * compute type of the model (float32 or float16), the way exporters write them: GroupNorm as a reshaped
 * InstanceNormalization, attention as MatMul/Softmax, GELU with Erf. Spatial sizes are static and the batch
 * dynamic, so no Shape operator is needed (onnxruntime would run those on the CPU).
 */
import { floatsToHalf } from '../../../src/runtime/half';
import { GraphBuilder } from '../../../src/runtime/graph-builder';
import type { ElemType } from '../../../src/runtime/graph-builder';
import type { WeightFile } from '../../../src/runtime/weight-file';
import { mulberry32 } from '../../../src/runtime/seeded-random';

export interface NetOptions {
  half: boolean;
  /** Random weights (timings and noise images), or zeros left as holes in the weight file (structure only). */
  weights: 'random' | 'zeros';
  seed: number;
  file: WeightFile;
}

const FLOAT = 1;
const FLOAT16 = 10;

export class Net {
  readonly g: GraphBuilder;
  readonly type: ElemType;
  /** Parameters written, for the log and the test that checks the sizes. */
  params = 0;
  private readonly random: () => number;
  private n = 0;

  constructor(
    name: string,
    private readonly o: NetOptions,
  ) {
    this.g = new GraphBuilder(name);
    this.type = o.half ? 'float16' : 'float';
    this.random = mulberry32(o.seed);
  }

  /** A weight of `dims`, uniform with variance 1/fanIn (activations keep their scale through deep stacks). */
  weight(name: string, dims: number[], fanIn: number): string {
    const count = dims.reduce((a, b) => a * b, 1);
    this.params += count;
    const type = this.o.half ? 'float16' : 'float';
    const bytes = count * (this.o.half ? 2 : 4);
    if (this.o.weights === 'zeros') return this.g.external(name, dims, type, this.o.file.append({ zeros: bytes }));
    const limit = Math.sqrt(3 / fanIn);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = (this.random() * 2 - 1) * limit;
    return this.stored(name, dims, values);
  }

  /** A weight of constant `value` (norm scales 1, biases 0). */
  filled(name: string, dims: number[], value: number): string {
    this.params += dims.reduce((a, b) => a * b, 1);
    return this.constant(name, dims, value);
  }

  /** A constant tensor in the compute type that is not a parameter of the network. */
  constant(name: string, dims: number[], value: number): string {
    return this.stored(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value));
  }

  private stored(name: string, dims: number[], values: Float32Array): string {
    const data = this.o.half ? floatsToHalf(values) : values;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return this.g.external(name, dims, this.o.half ? 'float16' : 'float', this.o.file.append(bytes));
  }

  private readonly constants = new Set<string>();

  /** A scalar in the compute type. */
  scalar(value: number): string {
    const name = `scalar_${this.type}_${value}`;
    if (!this.constants.has(name)) {
      this.constants.add(name);
      if (this.o.half) this.g.halfs(name, [], floatsToHalf(Float32Array.of(value)));
      else this.g.floats(name, [], [value]);
    }
    return name;
  }

  ints(values: number[]): string {
    return this.g.int64s(`ints_${this.n++}`, values);
  }

  op(type: string, inputs: string[], attrs: Parameters<GraphBuilder['op']>[2] = {}): string {
    return this.g.op(type, inputs, attrs);
  }

  add = (a: string, b: string) => this.op('Add', [a, b]);
  mul = (a: string, b: string) => this.op('Mul', [a, b]);
  reshape = (x: string, dims: number[]) => this.op('Reshape', [x, this.ints(dims)]);
  transpose = (x: string, perm: number[]) => this.op('Transpose', [x], { perm });
  silu = (x: string) => this.mul(x, this.op('Sigmoid', [x]));
  relu = (x: string) => this.op('Relu', [x]);
  /** GELU, exact: x · ½(1 + erf(x/√2)). */
  gelu = (x: string) =>
    this.mul(
      this.mul(x, this.scalar(0.5)),
      this.add(this.op('Erf', [this.mul(x, this.scalar(Math.SQRT1_2))]), this.scalar(1)),
    );

  /** Casts to/from float32 around what needs the range (timestep embeddings). */
  toFloat = (x: string) => (this.o.half ? this.op('Cast', [x], { to: { int: FLOAT } }) : x);
  fromFloat = (x: string) => (this.o.half ? this.op('Cast', [x], { to: { int: FLOAT16 } }) : x);

  conv(x: string, name: string, cin: number, cout: number, k = 3, stride = 1, bias = true): string {
    const w = this.weight(`${name}.weight`, [cout, cin, k, k], cin * k * k);
    const inputs = [x, w, ...(bias ? [this.filled(`${name}.bias`, [cout], 0)] : [])];
    const pad = Math.floor(k / 2);
    return this.op('Conv', inputs, { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] });
  }

  /** x [..., cin] · W [cin, cout] (+ b). */
  linear(x: string, name: string, cin: number, cout: number, bias = true): string {
    const y = this.op('MatMul', [x, this.weight(`${name}.weight`, [cin, cout], cin)]);
    return bias ? this.add(y, this.filled(`${name}.bias`, [cout], 0)) : y;
  }

  /** GroupNorm over NCHW as torch exports it below opset 18: InstanceNormalization over reshaped groups. */
  groupNorm(x: string, name: string, c: number, h: number, w: number, eps = 1e-5, groups = 32): string {
    const grouped = this.reshape(x, [0, groups, (c / groups) * h * w]);
    const unit = [this.constant(`${name}.ones`, [groups], 1), this.constant(`${name}.zeros`, [groups], 0)];
    const normed = this.op('InstanceNormalization', [grouped, ...unit], {
      epsilon: eps,
    });
    const back = this.reshape(normed, [0, c, h, w]);
    return this.add(
      this.mul(back, this.filled(`${name}.weight`, [c, 1, 1], 1)),
      this.filled(`${name}.bias`, [c, 1, 1], 0),
    );
  }

  layerNorm(x: string, name: string, c: number, eps = 1e-5): string {
    return this.op(
      'LayerNormalization',
      [x, this.filled(`${name}.weight`, [c], 1), this.filled(`${name}.bias`, [c], 0)],
      {
        axis: { int: -1 },
        epsilon: eps,
      },
    );
  }

  /**
   * Multi-head attention of q [B, N, C] over k, v [B, M, C] with `heads` heads; `mask` [N, M] is added to the
   * scores (the text encoder's causal mask).
   */
  attention(q: string, k: string, v: string, n: number, m: number, c: number, heads: number, mask?: string): string {
    const d = c / heads;
    const split = (x: string, len: number, perm: number[]) => this.transpose(this.reshape(x, [0, len, heads, d]), perm);
    const qh = split(q, n, [0, 2, 1, 3]);
    const kt = split(k, m, [0, 2, 3, 1]);
    const vh = split(v, m, [0, 2, 1, 3]);
    let scores = this.mul(this.op('MatMul', [qh, kt]), this.scalar(1 / Math.sqrt(d)));
    if (mask) scores = this.add(scores, mask);
    const out = this.op('MatMul', [this.op('Softmax', [scores], { axis: { int: -1 } }), vh]);
    return this.reshape(this.transpose(out, [0, 2, 1, 3]), [0, n, c]);
  }

  /** Declares a graph input/output in the compute type. */
  input(name: string, dims: (number | string)[]): string {
    return this.g.input(name, this.type, dims);
  }

  output(value: string, name: string, dims: (number | string)[]): void {
    this.g.output(value, name, this.type, dims);
  }
}
