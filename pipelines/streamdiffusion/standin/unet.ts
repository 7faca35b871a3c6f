/**
 * The SD 2.1 / SD-Turbo UNet (UNet2DConditionModel: block channels 320/640/1280/1280, 2 layers per block, one
 * transformer block per attention with linear projections, 64-dim heads, 1024-d cross-attention, 32 norm groups)
 * as an ONNX graph with random weights: its sizes and operators are the real ones, its output is noise.
 * Tensor names follow the diffusers ONNX exporter: sample, timestep, encoder_hidden_states -> out_sample.
 */
import { Net } from './layers';
import type { NetOptions } from './layers';

export const CHANNELS = [320, 640, 1280, 1280];
export const HEADS = [5, 10, 20, 20];
const CROSS_DIM = 1024;
const TEMB = 1280;
const CONTEXT = 77;

/** An attention added to every cross-attention before to_out (IP-Adapter's image branch: reference/standin-ip.ts). */
export type CrossBranch = (q: string, prefix: string, n: number, ch: number, heads: number) => string;

export interface Ctx {
  net: Net;
  temb: string;
  ehs: string;
  branch?: CrossBranch;
}

/** ResnetBlock2D with the time embedding added between its two convolutions. */
export function resBlock(c: Ctx, x: string, name: string, cin: number, cout: number, h: number, w: number): string {
  const { net } = c;
  let y = net.conv(net.silu(net.groupNorm(x, `${name}.norm1`, cin, h, w)), `${name}.conv1`, cin, cout);
  const t = net.reshape(net.linear(net.silu(c.temb), `${name}.time_emb_proj`, TEMB, cout), [0, cout, 1, 1]);
  y = net.add(y, t);
  y = net.conv(net.silu(net.groupNorm(y, `${name}.norm2`, cout, h, w)), `${name}.conv2`, cout, cout);
  const skip = cin === cout ? x : net.conv(x, `${name}.conv_shortcut`, cin, cout, 1);
  return net.add(skip, y);
}

/** Transformer2DModel with linear projections and one BasicTransformerBlock (self-, cross-attention, GEGLU). */
export function transformer(c: Ctx, x: string, name: string, ch: number, heads: number, h: number, w: number): string {
  const { net } = c;
  const n = h * w;
  const normed = net.groupNorm(x, `${name}.norm`, ch, h, w, 1e-6);
  const tokens = net.transpose(net.reshape(normed, [0, ch, n]), [0, 2, 1]);
  let y = net.linear(tokens, `${name}.proj_in`, ch, ch);
  const b = `${name}.transformer_blocks.0`;
  const attn = (input: string, prefix: string, context?: string) => {
    const src = context ?? input;
    const kvDim = context ? CROSS_DIM : ch;
    const q = net.linear(input, `${prefix}.to_q`, ch, ch, false);
    const k = net.linear(src, `${prefix}.to_k`, kvDim, ch, false);
    const v = net.linear(src, `${prefix}.to_v`, kvDim, ch, false);
    let out = net.attention(q, k, v, n, context ? CONTEXT : n, ch, heads);
    if (context && c.branch) out = net.add(out, c.branch(q, prefix, n, ch, heads));
    return net.linear(out, `${prefix}.to_out.0`, ch, ch);
  };
  y = net.add(y, attn(net.layerNorm(y, `${b}.norm1`, ch), `${b}.attn1`));
  y = net.add(y, attn(net.layerNorm(y, `${b}.norm2`, ch), `${b}.attn2`, c.ehs));
  // GEGLU: one projection to 2 × 4ch, half of it gating the other through GELU.
  const proj = net.linear(net.layerNorm(y, `${b}.norm3`, ch), `${b}.ff.net.0.proj`, ch, 8 * ch);
  const [hidden, gate] = [0, 1].map((i) =>
    net.op('Slice', [proj, net.ints([i * 4 * ch]), net.ints([(i + 1) * 4 * ch]), net.ints([2])]),
  );
  y = net.add(y, net.linear(net.mul(hidden!, net.gelu(gate!)), `${b}.ff.net.2`, 4 * ch, ch));
  y = net.linear(y, `${name}.proj_out`, ch, ch);
  return net.add(net.reshape(net.transpose(y, [0, 2, 1]), [0, ch, h, w]), x);
}

/** Sinusoidal timestep embedding (flip_sin_to_cos, freq_shift 0) and the two-layer MLP to 1280. */
export function timeEmbedding(net: Net, t: string): string {
  const half = 160;
  const freqs = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const args = net.mul(net.reshape(net.toFloat(t), [-1, 1]), net.g.floats('time_freqs', [1, half], freqs));
  const emb = net.fromFloat(net.op('Concat', [net.op('Cos', [args]), net.op('Sin', [args])], { axis: { int: 1 } }));
  return net.linear(
    net.silu(net.linear(emb, 'time_embedding.linear_1', 320, TEMB)),
    'time_embedding.linear_2',
    TEMB,
    TEMB,
  );
}

/** A level's skip connection: the tensor, its channels and its latent size. */
export interface Skip {
  x: string;
  ch: number;
  h: number;
  w: number;
}

/**
 * The down blocks and the mid block from conv_in's output `input` (the UNet's, or the ControlNet's with the control
 * image's embedding added): the 12 skips after conv_in and each layer and downsampler, and the mid block's output.
 */
export function downAndMid(
  c: Ctx,
  input: string,
  height: number,
  width: number,
): { x: string; skips: Skip[]; ch: number; h: number; w: number } {
  const { net } = c;
  let x = input;
  let [h, w] = [height, width];
  const skips: Skip[] = [{ x, ch: CHANNELS[0]!, h, w }];
  let ch = CHANNELS[0]!;
  for (let level = 0; level < 4; level++) {
    const out = CHANNELS[level]!;
    for (let j = 0; j < 2; j++) {
      x = resBlock(c, x, `down_blocks.${level}.resnets.${j}`, ch, out, h, w);
      ch = out;
      if (level < 3) x = transformer(c, x, `down_blocks.${level}.attentions.${j}`, ch, HEADS[level]!, h, w);
      skips.push({ x, ch, h, w });
    }
    if (level < 3) {
      x = net.conv(x, `down_blocks.${level}.downsamplers.0.conv`, ch, ch, 3, 2);
      [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)];
      skips.push({ x, ch, h, w });
    }
  }
  x = resBlock(c, x, 'mid_block.resnets.0', ch, ch, h, w);
  x = transformer(c, x, 'mid_block.attentions.0', ch, HEADS[3]!, h, w);
  x = resBlock(c, x, 'mid_block.resnets.1', ch, ch, h, w);
  return { x, skips, ch, h, w };
}

/**
 * Builds the UNet for latents of `height × width` (the image size / 8); returns the graph and its parameter count.
 * `variant.controlnet`: the variant with the 13 ControlNet residuals as inputs, added to the skips and the mid
 * block's output as diffusers' down_block_additional_residuals / mid_block_additional_residual are.
 * `variant.branch`: an extra cross-attention branch in every transformer (the IP-Adapter's).
 */
export function buildStandinUnet(
  o: NetOptions,
  height: number,
  width: number,
  variant: { controlnet?: boolean; branch?: (net: Net) => CrossBranch } = {},
): { model: Uint8Array; params: number } {
  const { controlnet = false, branch } = variant;
  const net = new Net(controlnet ? 'sd21_unet_controlnet' : 'sd21_unet', o);
  const sample = net.input('sample', ['batch', 4, height, width]);
  const t = net.input('timestep', ['batch']);
  const ehs = net.input('encoder_hidden_states', ['batch', CONTEXT, CROSS_DIM]);
  const c: Ctx = { net, temb: timeEmbedding(net, t), ehs, ...(branch ? { branch: branch(net) } : {}) };

  const down = downAndMid(c, net.conv(sample, 'conv_in', 4, CHANNELS[0]!), height, width);
  const { skips } = down;
  let { x, ch, h, w } = down;
  if (controlnet) {
    // The residuals only join the skips (the down path runs as it is), then the mid block's output.
    skips.forEach((s, i) => (s.x = net.add(s.x, residualInput(net, `down_block_${i}`, s.ch, s.h, s.w))));
    x = net.add(x, residualInput(net, 'mid_block', ch, h, w));
  }

  for (let up = 0; up < 4; up++) {
    const level = 3 - up;
    const out = CHANNELS[level]!;
    for (let j = 0; j < 3; j++) {
      const skip = skips.pop()!;
      x = net.op('Concat', [x, skip.x], { axis: { int: 1 } });
      x = resBlock(c, x, `up_blocks.${up}.resnets.${j}`, ch + skip.ch, out, h, w);
      ch = out;
      if (up > 0) x = transformer(c, x, `up_blocks.${up}.attentions.${j}`, ch, HEADS[level]!, h, w);
    }
    if (up < 3) {
      [h, w] = [h * 2, w * 2];
      x = upsampler(net, x, up, ch);
    }
  }

  return outputHead(net, x, ch, h, w, height, width);
}

function residualInput(net: Net, name: string, ch: number, h: number, w: number): string {
  return net.input(name, ['batch', ch, h, w]);
}

/** An up block's upsampler: nearest ×2, then its 3×3 convolution (diffusers' Upsample2D). */
export function upsampler(net: Net, x: string, up: number, ch: number): string {
  const scales = net.g.floats(`up_blocks.${up}.scales`, [4], [1, 1, 2, 2]);
  return net.conv(net.op('Resize', [x, '', scales], { mode: 'nearest' }), `up_blocks.${up}.upsamplers.0.conv`, ch, ch);
}

/** The UNet's last norm, SiLU and conv to 4 latent channels, as the graph's output; the built graph. */
export function outputHead(
  net: Net,
  x: string,
  ch: number,
  h: number,
  w: number,
  height: number,
  width: number,
): { model: Uint8Array; params: number } {
  const out = net.conv(net.silu(net.groupNorm(x, 'conv_norm_out', ch, h, w)), 'conv_out', ch, 4);
  net.output(out, 'out_sample', ['batch', 4, height, width]);
  return { model: net.g.toBytes(), params: net.params };
}
