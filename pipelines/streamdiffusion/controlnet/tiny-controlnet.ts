/**
 * The tiny ControlNet and the tiny UNet that takes its residuals: graphs with the real tensor names and the real
 * residual layout (12 down + 1 mid, channels per level, each level half the last), small enough for any machine.
 * The ControlNet: feat = tanh(W·pool₈(image) + 0.1·x + mean_tokens(E)·P + t·m/1000) at latent size, pooled by 2
 * per level, and residual i = Wᵢ·feat at its level. The UNet: the tiny UNet's ε (same operators, same weights)
 * plus Σᵢ upsample(Vᵢ·rᵢ), so zero residuals give the base UNet's ε exactly.
 */
import { GraphBuilder } from '../../../src/runtime/graph-builder';
import { gaussian, mulberry32 } from '../../../src/runtime/seeded-random';
import { buildUnet, chain } from '../tiny/graphs';
import type { TinyWeights, UnetExtension } from '../tiny/graphs';
import { ipExtension } from '../reference/tiny-graphs';
import type { TinyIpWeights } from '../reference/tiny-graphs';
import { CONTROL_IMAGE, residualShapes } from './residuals';

/** Block channels of the tiny layout (SD 2.1: 320, 640, 1280, 1280). */
export const TINY_CHANNELS = [4, 8, 8, 8] as const;

const levelDims = (level: number) => [`latent_height_${level}`, `latent_width_${level}`];

function seeded(seed: number) {
  const randn = gaussian(mulberry32(seed));
  return (n: number, std: number) => Float32Array.from({ length: n }, () => randn() * std);
}

/**
 * ControlNet: sample [b,4,h,w], timestep [b], encoder_hidden_states [b,77,dim], controlnet_cond [b,3,8h,8w] ->
 * down_block_0..11 and mid_block. `seed` makes one ControlNet differ from another (depth, canny, ...).
 */
export function buildTinyControlNet(dim: number, seed: number): Uint8Array {
  const fill = seeded(seed);
  const g = new GraphBuilder('tiny_controlnet');
  const sample = g.input('sample', 'float', ['batch', 4, 'latent_height', 'latent_width']);
  const t = g.input('timestep', 'float', ['batch']);
  const ehs = g.input('encoder_hidden_states', 'float', ['batch', 'tokens', dim]);
  const cond = g.input(CONTROL_IMAGE, 'float', ['batch', 3, 'height', 'width']);
  const pooled = g.op('AveragePool', [cond], { kernel_shape: [8, 8], strides: [8, 8] });
  const hint = g.op('Conv', [pooled, g.floats('hint', [4, 3, 1, 1], fill(12, 1))]);
  const meanE = g.op('ReduceMean', [ehs], { axes: [1], keepdims: { int: 0 } });
  const text = g.op('Reshape', [
    g.op('MatMul', [meanE, g.floats('P', [dim, 4], fill(dim * 4, 0.5))]),
    g.int64s('col', [-1, 4, 1, 1]),
  ]);
  const time = g.op('Reshape', [g.op('Mul', [t, g.scalar(0.3 / 1000)]), g.int64s('t_shape', [-1, 1, 1, 1])]);
  const mixed = g.op('Add', [g.op('Add', [hint, g.op('Mul', [sample, g.scalar(0.1)])]), g.op('Add', [text, time])]);
  const levels = [g.op('Tanh', [mixed])];
  for (let l = 1; l < 4; l++) {
    levels.push(
      g.op('AveragePool', [levels[l - 1]!], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: { int: 1 } }),
    );
  }
  for (const r of residualShapes(TINY_CHANNELS)) {
    const w = g.floats(`${r.name}.zero_conv`, [r.channels, 4, 1, 1], fill(r.channels * 4, 0.5));
    g.output(g.op('Conv', [levels[r.level]!, w]), r.name, 'float', ['batch', r.channels, ...levelDims(r.level)]);
  }
  return g.toBytes();
}

/** The 13 residuals as extra inputs of the tiny UNet, each added to ε as upsample(Vᵢ·rᵢ). */
export function controlResiduals(seed = 31): UnetExtension {
  const fill = seeded(seed);
  return (g, eps, sample, input) => {
    const size = g.op('Shape', [sample]);
    let out = eps;
    for (const r of residualShapes(TINY_CHANNELS)) {
      const x = input(r.name, ['batch', r.channels, ...levelDims(r.level)]);
      const v = g.floats(`${r.name}.into_eps`, [4, r.channels, 1, 1], fill(4 * r.channels, 0.3));
      const up = g.op('Resize', [g.op('Conv', [x, v]), '', '', size], { mode: 'nearest' });
      out = g.op('Add', [out, up]);
    }
    return out;
  };
}

/** The tiny UNet (weights `w`, as the base model's) with the 13 residuals as extra inputs, added to ε. */
export function buildTinyControlUnet(w: TinyWeights, seed = 31): Uint8Array {
  return buildUnet(w, { extend: controlResiduals(seed) });
}

/**
 * The tiny UNet with the residual inputs and the IP-Adapter's (`ip`): ε + Σ upsample(Vᵢ·rᵢ) + scale · image
 * attention, with the ControlNet UNet's and the IP UNet's weights, so zero residuals give the IP UNet's output and
 * scale 0 the ControlNet UNet's, value for value.
 */
export function buildTinyControlIpUnet(w: TinyWeights, ip: TinyIpWeights, seed = 31): Uint8Array {
  return buildUnet(w, { extend: chain(controlResiduals(seed), ipExtension(w.dim, ip)) });
}
