/**
 * Random weights for the stand-in graphs, from a seed: uniform with the standard deviation asked for (one PRNG draw
 * per value, which matters at 1.4 billion of them), ones and zeros for norms and biases.
 */
import type { GraphBuilder } from '../../../src/runtime/graph-builder';
import { mulberry32 } from '../../neural-field/random';

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

/** Weights kept inside the model file (float32): for stand-ins well under protobuf's 2 GB. */
export class InlineWeights implements WeightStore {
  readonly type = 'float32' as const;
  count = 0;
  private readonly random: () => number;

  constructor(
    readonly graph: GraphBuilder,
    seed: number,
  ) {
    this.random = mulberry32(seed);
  }

  normal(name: string, dims: number[], std: number): string {
    const a = std * Math.sqrt(3);
    const size = dims.reduce((x, y) => x * y, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = (this.random() * 2 - 1) * a;
    this.count += size;
    return this.graph.floats(name, dims, values);
  }

  ones(name: string, dims: number[]): string {
    return this.filled(name, dims, 1);
  }

  zeros(name: string, dims: number[]): string {
    return this.filled(name, dims, 0);
  }

  scalar(value: number): string {
    return this.graph.scalar(value);
  }

  constant(name: string, dims: number[], value: number): string {
    return this.graph.floats(name, dims, new Float32Array(dims.reduce((x, y) => x * y, 1)).fill(value));
  }

  private filled(name: string, dims: number[], value: number): string {
    this.count += dims.reduce((x, y) => x * y, 1);
    return this.constant(name, dims, value);
  }
}
