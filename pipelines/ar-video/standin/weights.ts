/**
 * Weights of the stand-in block, in the runtime's external weight file (block.onnx.data beside block.onnx, since
 * 1.4 billion parameters do not fit protobuf's 2 GB): random from a seed (uniform with the standard deviation asked
 * for, one PRNG draw per value, which matters at this count), or zeros left as holes in the file (the structure
 * alone, for tests). float16 or float32, the compute type of the graph.
 */
import { floatsToHalf } from '../../../src/runtime/half';
import type { GraphBuilder } from '../../../src/runtime/graph-builder';
import type { WeightFile } from '../../../src/runtime/weight-file';
import { mulberry32 } from '../../../src/runtime/seeded-random';

export interface WeightStore {
  readonly graph: GraphBuilder;
  readonly type: 'float32' | 'float16';
  normal(name: string, dims: number[], std: number): string;
  ones(name: string, dims: number[]): string;
  zeros(name: string, dims: number[]): string;
  /** A constant of the weights' type, shared by every use. */
  scalar(value: number): string;
  /** A filled tensor that is not a parameter of the model (the unit scale of a LayerNorm without affine). */
  constant(name: string, dims: number[], value: number): string;
  /** Parameters added so far. */
  readonly count: number;
}

export interface WeightOptions {
  type: 'float32' | 'float16';
  weights: 'random' | 'zeros';
  seed: number;
  file: WeightFile;
}

const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

export class StandinWeights implements WeightStore {
  count = 0;
  private readonly random: () => number;
  private readonly scalars = new Set<string>();

  constructor(
    readonly graph: GraphBuilder,
    private readonly o: WeightOptions,
  ) {
    this.random = mulberry32(o.seed);
  }

  get type(): 'float32' | 'float16' {
    return this.o.type;
  }

  normal(name: string, dims: number[], std: number): string {
    const n = size(dims);
    this.count += n;
    if (this.o.weights === 'zeros') return this.hole(name, dims);
    const a = std * Math.sqrt(3);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = (this.random() * 2 - 1) * a;
    return this.stored(name, dims, values);
  }

  ones(name: string, dims: number[]): string {
    this.count += size(dims);
    return this.constant(name, dims, 1);
  }

  zeros(name: string, dims: number[]): string {
    this.count += size(dims);
    return this.hole(name, dims);
  }

  constant(name: string, dims: number[], value: number): string {
    return value === 0 ? this.hole(name, dims) : this.stored(name, dims, new Float32Array(size(dims)).fill(value));
  }

  scalar(value: number): string {
    const name = `scalar_${this.o.type}_${value}`;
    if (!this.scalars.has(name)) {
      this.scalars.add(name);
      if (this.o.type === 'float16') this.graph.halfs(name, [], floatsToHalf(Float32Array.of(value)));
      else this.graph.floats(name, [], [value]);
    }
    return name;
  }

  private hole(name: string, dims: number[]): string {
    const bytes = size(dims) * (this.o.type === 'float16' ? 2 : 4);
    return this.graph.external(name, dims, this.elem, this.o.file.append({ zeros: bytes }));
  }

  private stored(name: string, dims: number[], values: Float32Array): string {
    const data = this.o.type === 'float16' ? floatsToHalf(values) : values;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return this.graph.external(name, dims, this.elem, this.o.file.append(bytes));
  }

  private get elem(): 'float' | 'float16' {
    return this.o.type === 'float16' ? 'float16' : 'float';
  }
}
