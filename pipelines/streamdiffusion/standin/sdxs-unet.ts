/**
 * The SDXS-512 UNet (arXiv 2403.16627; IDKiro/sdxs-512-0.9): SD 2.1's UNet with blocks removed by distillation,
 * as an ONNX graph with random weights. The layout is the one the SDXS-512 family publishes in its diffusers
 * config (read from IDKiro/sdxs-512-dreamshaper's unet/config.json, the sibling whose config text was readable):
 * block channels 320/640/1280 (SD's fourth, attention-free 1280 level gone), one layer per down block (SD has
 * two), down blocks DownBlock2D, CrossAttnDownBlock2D, CrossAttnDownBlock2D (no attention at the highest
 * resolution), no mid block, up blocks mirrored with two layers each. 0.9 is the SD 2.1-based one: its
 * cross-attention reads the 1024-wide OpenCLIP ViT-H states (what every converter of it passes), with SD 2.1's
 * 64-dim heads and linear projections. Its parameter count is checked against the published size in a test.
 * Tensor names follow the diffusers ONNX exporter, as for the SD-Turbo stand-in.
 */
import { Net } from './layers';
import type { NetOptions } from './layers';
import { outputHead, resBlock, timeEmbedding, transformer, upsampler } from './unet';
import type { Ctx } from './unet';

const CHANNELS = [320, 640, 1280];
/** Cross-attention per level (the highest resolution has none). */
const ATTENTION = [false, true, true];
const LAYERS_PER_BLOCK = 1;
const HEAD_DIM = 64;
const CROSS_DIM = 1024;
const CONTEXT = 77;

/** Spatial halvings of the latent: its sides must divide by 2 ** DOWNSAMPLES (the image's by 8 × that). */
export const SDXS_DOWNSAMPLES = CHANNELS.length - 1;

/** Builds the UNet for latents of `height × width`; returns the graph and its parameter count. */
export function buildSdxsUnet(o: NetOptions, height: number, width: number): { model: Uint8Array; params: number } {
  const net = new Net('sdxs_unet', o);
  const sample = net.input('sample', ['batch', 4, height, width]);
  const t = net.input('timestep', ['batch']);
  const ehs = net.input('encoder_hidden_states', ['batch', CONTEXT, CROSS_DIM]);
  const c: Ctx = { net, temb: timeEmbedding(net, t), ehs };

  let x = net.conv(sample, 'conv_in', 4, CHANNELS[0]!);
  let [h, w] = [height, width];
  let ch = CHANNELS[0]!;
  const skips: { x: string; ch: number }[] = [{ x, ch }];
  const last = CHANNELS.length - 1;
  for (let level = 0; level <= last; level++) {
    const out = CHANNELS[level]!;
    for (let j = 0; j < LAYERS_PER_BLOCK; j++) {
      x = resBlock(c, x, `down_blocks.${level}.resnets.${j}`, ch, out, h, w);
      ch = out;
      if (ATTENTION[level]) x = transformer(c, x, `down_blocks.${level}.attentions.${j}`, ch, ch / HEAD_DIM, h, w);
      skips.push({ x, ch });
    }
    if (level < last) {
      x = net.conv(x, `down_blocks.${level}.downsamplers.0.conv`, ch, ch, 3, 2);
      [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)];
      skips.push({ x, ch });
    }
  }

  // No mid block: the up path starts where the down path ends.
  for (let up = 0; up <= last; up++) {
    const level = last - up;
    const out = CHANNELS[level]!;
    for (let j = 0; j < LAYERS_PER_BLOCK + 1; j++) {
      const skip = skips.pop()!;
      x = net.op('Concat', [x, skip.x], { axis: { int: 1 } });
      x = resBlock(c, x, `up_blocks.${up}.resnets.${j}`, ch + skip.ch, out, h, w);
      ch = out;
      if (ATTENTION[level]) x = transformer(c, x, `up_blocks.${up}.attentions.${j}`, ch, ch / HEAD_DIM, h, w);
    }
    if (up < last) {
      [h, w] = [h * 2, w * 2];
      x = upsampler(net, x, up, ch);
    }
  }

  return outputHead(net, x, ch, h, w, height, width);
}
