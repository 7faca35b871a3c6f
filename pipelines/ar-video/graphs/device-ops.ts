/**
 * The small graphs the host steers the device tensors with: the cache writer (a block's new K/V into slots), zero
 * initialisation, the sampler's x0 and re-noise steps, the frame gather of a recache and the frame concat of a
 * two-part chunk. They are generated from
 * the shapes of the loaded export, so the cache and the latents never need to come to the host to be changed.
 */
import { GraphBuilder } from '../../../src/runtime/graph-builder';
import type { ElemType } from '../../../src/runtime/graph-builder';

export type FloatType = 'float32' | 'float16';

/** A tensor the ops handle: its name and its shape without the leading [1, frames-or-slots] axes. */
export interface FrameTensor {
  name: string;
  /** Sizes after [1, frames]: [tokens, heads, head_dim] for K/V, [channels, height, width] for latents. */
  inner: number[];
}

const elem = (t: FloatType): ElemType => (t === 'float16' ? 'float16' : 'float');
const FLOAT = 1;
const FLOAT16 = 10;

/**
 * Writer: for each tensor X, `next.X` = Gather(Concat(X, new.X), index) along the slot axis. The host's cache
 * policy gives the index (slot s keeps s, or takes slots + i for new frame i), so one pass both rolls and writes.
 */
export function buildSlotWriter(tensors: FrameTensor[], slots: number, type: FloatType): Uint8Array {
  const g = new GraphBuilder('ar_slot_writer');
  const index = g.input('index', 'int64', [slots]);
  for (const t of tensors) {
    const cache = g.input(t.name, elem(type), [1, slots, ...t.inner]);
    const fresh = g.input(`new.${t.name}`, elem(type), [1, 'frames', ...t.inner]);
    const joined = g.op('Concat', [cache, fresh], { axis: { int: 1 } });
    g.output(g.op('Gather', [joined, index], { axis: { int: 1 } }), `next.${t.name}`, elem(type), [
      1,
      slots,
      ...t.inner,
    ]);
  }
  return g.toBytes();
}

/**
 * Zeros of the given shapes, made on the device. The shapes are inputs, not constants, so that onnxruntime cannot
 * fold gigabytes of zeros into the session at load.
 */
export function buildZeros(tensors: { name: string; dims: number[]; type: FloatType }[]): Uint8Array {
  const g = new GraphBuilder('ar_zeros');
  for (const t of tensors) {
    const shape = g.input(`shape.${t.name}`, 'int64', [t.dims.length]);
    const zeros = g.op('ConstantOfShape', [shape]);
    const typed = t.type === 'float16' ? g.op('Cast', [zeros], { to: { int: FLOAT16 } }) : zeros;
    g.output(typed, t.name, elem(t.type), t.dims);
  }
  return g.toBytes();
}

function floatIo(g: GraphBuilder, type: FloatType) {
  return {
    input(name: string, dims: (number | string)[]) {
      const x = g.input(name, elem(type), dims);
      return type === 'float16' ? g.op('Cast', [x], { to: { int: FLOAT } }) : x;
    },
    output(value: string, name: string, dims: (number | string)[]) {
      g.output(type === 'float16' ? g.op('Cast', [value], { to: { int: FLOAT16 } }) : value, name, elem(type), dims);
    },
  };
}

/** x0 = x - σ·flow: the flow-matching model's prediction of the clean latents (σ as float32 [1]). */
export function buildDenoiseStep(latent: number[], type: FloatType): Uint8Array {
  const g = new GraphBuilder('ar_denoise_step');
  const io = floatIo(g, type);
  const dims = [1, 'frames', ...latent];
  const x = io.input('x', dims);
  const flow = io.input('flow', dims);
  const sigma = g.input('sigma', 'float', [1]);
  io.output(g.op('Sub', [x, g.op('Mul', [flow, sigma])]), 'x0', dims);
  return g.toBytes();
}

/** x = (1-σ)·x0 + σ·noise: a clean latent brought to noise level σ (re-noising, and the video input's noise). */
export function buildRenoise(latent: number[], type: FloatType): Uint8Array {
  const g = new GraphBuilder('ar_renoise');
  const io = floatIo(g, type);
  const dims = [1, 'frames', ...latent];
  const x0 = io.input('x0', dims);
  const noise = io.input('noise', dims);
  const sigma = g.input('sigma', 'float', [1]);
  const keep = g.op('Sub', [g.scalar(1), sigma]);
  io.output(g.op('Add', [g.op('Mul', [x0, keep]), g.op('Mul', [noise, sigma])]), 'x', dims);
  return g.toBytes();
}

/** Frames `index` of a [1, frames, ...] tensor, in that order (a recache's latents, a decoder's chunks). */
export function buildFrameGather(inner: number[], type: FloatType): Uint8Array {
  const g = new GraphBuilder('ar_frame_gather');
  const x = g.input('slots', elem(type), [1, 'slots', ...inner]);
  const index = g.input('index', 'int64', ['frames']);
  g.output(g.op('Gather', [x, index], { axis: { int: 1 } }), 'frames', elem(type), [1, 'frames', ...inner]);
  return g.toBytes();
}

/** Frames of `a` then frames of `b`, along the frame axis (the stream's first encoded chunk: 1 + 1 latent frames). */
export function buildFrameConcat(inner: number[], type: FloatType): Uint8Array {
  const g = new GraphBuilder('ar_frame_concat');
  const a = g.input('a', elem(type), [1, 'a', ...inner]);
  const b = g.input('b', elem(type), [1, 'b', ...inner]);
  g.output(g.op('Concat', [a, b], { axis: { int: 1 } }), 'frames', elem(type), [1, 'frames', ...inner]);
  return g.toBytes();
}
