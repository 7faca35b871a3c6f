/**
 * The tiny graphs' functions written out in TypeScript (float32 at every step), for tests to predict their
 * outputs exactly. See block.ts and codecs.ts for the definitions.
 */
import type { TinyShape } from './block';
import { tinyTokens } from './block';

const f32 = Math.fround;

export interface TinyBlockInputs {
  latents: Float32Array;
  timesteps: ArrayLike<number>;
  context: Float32Array;
  positions: ArrayLike<number>;
  bias: ArrayLike<number>;
  /** Per layer, [1, slots, tokens, 1, 2]. */
  cacheK: Float32Array[];
  cacheV: Float32Array[];
}

/** Token 0's two values of each frame of a [1, frames, tokens, 1, 2] tensor. */
function firstTokens(x: Float32Array, frames: number, tokens: number): [number, number][] {
  return Array.from({ length: frames }, (_, f) => [x[f * tokens * 2]!, x[f * tokens * 2 + 1]!]);
}

/** New K and V of one layer, [1, frames, tokens, 1, 2] each. */
export function tinyNewKv(s: TinyShape, i: TinyBlockInputs, layer: number): { k: Float32Array; v: Float32Array } {
  const frames = i.positions.length;
  const T = tinyTokens(s);
  const k = new Float32Array(frames * T * 2);
  const v = new Float32Array(frames * T * 2);
  const plane = s.height * s.width;
  for (let f = 0; f < frames; f++) {
    for (let t = 0; t < T; t++) {
      const ty = Math.floor(t / (s.width / 2));
      const tx = t % (s.width / 2);
      const pixel = i.latents[f * s.channels * plane + 2 * ty * s.width + 2 * tx]!;
      const o = (f * T + t) * 2;
      k[o] = i.positions[f]!;
      k[o + 1] = f32(i.timesteps[f]! * (1 / 1024));
      v[o] = f32(i.context[0]! + layer);
      v[o + 1] = f32(Math.floor(f32(pixel * 4)) * 0.25);
    }
  }
  return { k, v };
}

/** The flow [1, frames, 4, h, w] the tiny block gives for these inputs. */
export function tinyFlow(s: TinyShape, i: TinyBlockInputs): Float32Array {
  const frames = i.positions.length;
  const T = tinyTokens(s);
  const weights = Array.from(i.bias, (b) => f32(Math.exp(b)));
  const n = weights.reduce((a, w) => a + w, 0) + frames;
  let cSum = 0;
  let a = 0;
  let d = 0;
  let z = 0;
  for (let l = 0; l < s.layers; l++) {
    const own = tinyNewKv(s, i, l);
    const ownK = firstTokens(own.k, frames, T);
    const ownV = firstTokens(own.v, frames, T);
    const cachedK = firstTokens(i.cacheK[l]!, s.slots, T);
    const cachedV = firstTokens(i.cacheV[l]!, s.slots, T);
    const sum = (cached: [number, number][], mine: [number, number][], c: 0 | 1) =>
      cached.reduce((acc, x, slot) => acc + weights[slot]! * x[c], 0) + mine.reduce((acc, x) => acc + x[c], 0);
    cSum += (sum(cachedV, ownV, 0) * 2 ** l) / 16;
    a = sum(cachedK, ownK, 0);
    d = sum(cachedV, ownV, 1);
    z = cachedK.reduce((acc, x, slot) => acc + (x[1] === 0 ? weights[slot]! : 0), 0);
  }
  const plane = s.height * s.width;
  const out = new Float32Array(frames * s.channels * plane);
  for (let f = 0; f < frames; f++) {
    const values = [a / 64, cSum, f32(f32(i.positions[f]! / 64) + i.context[0]!), d / 8 + n / 16 + z / 32];
    values.forEach((value, c) => out.fill(value, (f * s.channels + c) * plane, (f * s.channels + c + 1) * plane));
  }
  return out;
}

/** The tiny decoder's four frames [4, 3, 8h, 8w] for one latent frame after `previous` (zeros at the start). */
export function tinyDecode(
  s: { height: number; width: number; channels: number },
  latent: Float32Array,
  previous: Float32Array,
): Float32Array {
  const plane = s.height * s.width;
  const W = s.width * 8;
  const px = plane * 64;
  const out = new Float32Array(4 * 3 * px);
  for (let j = 0; j < 4; j++) {
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < s.height * 8; y++) {
        for (let x = 0; x < W; x++) {
          const cell = c * plane + (y >> 3) * s.width + (x >> 3);
          const from = previous[cell]!;
          const value = f32(from + f32(f32(latent[cell]! - from) * ((j + 1) / 4)));
          out[(j * 3 + c) * px + y * W + x] = value;
        }
      }
    }
  }
  return out;
}
