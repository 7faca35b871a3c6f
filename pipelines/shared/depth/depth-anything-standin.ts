/**
 * A stand-in for Depth-Anything-V2-Small at the real shapes, with random weights: a DINOv2 ViT-S/14 encoder
 * (384 wide, 12 blocks, 6 heads, LayerScale) and the DPT head (features 64, projections to [48, 96, 192, 384] from
 * blocks [2, 5, 8, 11], resampled ×4, ×2, ×1, ×½, fused from the coarsest up, then the head convolutions to one
 * channel with ReLU), with the Hub export's signature: `pixel_values` [1, 3, 518, 518] -> `predicted_depth`
 * [1, 518, 518]. It measures the real cost on a provider and lets the chain run before the real file is on disk;
 * its maps are noise. `tinyDepthConfig` is the same graph shrunk for tests.
 */
import { Net } from '../../streamdiffusion/standin/layers';
import type { NetOptions } from '../../streamdiffusion/standin/layers';

export interface DepthStandinConfig {
  /** Side of the square input, a multiple of `patch`. */
  size: number;
  patch: number;
  dim: number;
  heads: number;
  blocks: number;
  /** Blocks whose outputs feed the head, in order. */
  taps: [number, number, number, number];
  features: number;
  outChannels: [number, number, number, number];
}

export const depthAnythingV2Small: DepthStandinConfig = {
  size: 518,
  patch: 14,
  dim: 384,
  heads: 6,
  blocks: 12,
  taps: [2, 5, 8, 11],
  features: 64,
  outChannels: [48, 96, 192, 384],
};

/** The same architecture at 28×28 (a 2×2 patch grid), cheap enough for unit tests. */
export const tinyDepthConfig: DepthStandinConfig = {
  size: 28,
  patch: 14,
  dim: 8,
  heads: 2,
  blocks: 2,
  taps: [0, 0, 1, 1],
  features: 4,
  outChannels: [2, 2, 4, 4],
};

export function buildDepthStandin(c: DepthStandinConfig, o: NetOptions): { model: Uint8Array; params: number } {
  const net = new Net('depth_anything_v2_standin', o);
  const grid = c.size / c.patch;
  if (!Number.isInteger(grid)) throw new Error(`the depth input ${c.size} is not a multiple of ${c.patch}`);
  const n = grid * grid;
  const pixels = net.input('pixel_values', [1, 3, c.size, c.size]);
  const embed = net.op('Conv', [pixels, net.weight('patch.weight', [c.dim, 3, c.patch, c.patch], 3 * c.patch ** 2)], {
    kernel_shape: [c.patch, c.patch],
    strides: [c.patch, c.patch],
  });
  const patches = net.transpose(net.reshape(embed, [1, c.dim, n]), [0, 2, 1]);
  const cls = net.weight('cls_token', [1, 1, c.dim], c.dim);
  let x = net.add(net.op('Concat', [cls, patches], { axis: { int: 1 } }), net.weight('pos', [1, n + 1, c.dim], c.dim));
  const tapped: string[] = [];
  for (let b = 0; b < c.blocks; b++) {
    x = block(net, x, `blocks.${b}`, n + 1, c);
    for (const t of c.taps) if (t === b) tapped.push(x);
  }
  // DINOv2's intermediate layers come out through the final norm, without the class token.
  const maps = tapped.map((t, i) => {
    const normed = net.layerNorm(t, `norm.${i}`, c.dim, 1e-6);
    const tokens = net.op('Slice', [normed, net.ints([1]), net.ints([n + 1]), net.ints([1])]);
    return net.reshape(net.transpose(tokens, [0, 2, 1]), [1, c.dim, grid, grid]);
  });
  const levels = maps.map((m, i) =>
    resample(net, net.conv(m, `head.projects.${i}`, c.dim, c.outChannels[i]!, 1), i, c),
  );
  const rn = levels.map((l, i) =>
    net.conv(l, `head.scratch.layer${i + 1}_rn`, c.outChannels[i]!, c.features, 3, 1, false),
  );
  const sizes = [grid * 4, grid * 2, grid, Math.ceil(grid / 2)];
  let path = fuse(net, rn[3]!, undefined, `refinenet4`, c.features, sizes[2]!);
  path = fuse(net, rn[2]!, path, `refinenet3`, c.features, sizes[1]!);
  path = fuse(net, rn[1]!, path, `refinenet2`, c.features, sizes[0]!);
  path = fuse(net, rn[0]!, path, `refinenet1`, c.features, sizes[0]! * 2);
  let out = net.conv(path, 'head.output_conv1', c.features, c.features / 2);
  out = resize(net, out, c.features / 2, c.size);
  out = net.relu(net.conv(out, 'head.output_conv2.0', c.features / 2, 32));
  out = net.relu(net.conv(out, 'head.output_conv2.2', 32, 1, 1));
  net.output(net.reshape(out, [1, c.size, c.size]), 'predicted_depth', [1, c.size, c.size]);
  return { model: net.g.toBytes(), params: net.params };
}

/** One pre-norm transformer block with LayerScale, as DINOv2 has it. */
function block(net: Net, x: string, name: string, n: number, c: DepthStandinConfig): string {
  const h = net.layerNorm(x, `${name}.norm1`, c.dim, 1e-6);
  const q = net.linear(h, `${name}.attn.q`, c.dim, c.dim);
  const k = net.linear(h, `${name}.attn.k`, c.dim, c.dim);
  const v = net.linear(h, `${name}.attn.v`, c.dim, c.dim);
  const attn = net.linear(net.attention(q, k, v, n, n, c.dim, c.heads), `${name}.attn.proj`, c.dim, c.dim);
  x = net.add(x, net.mul(attn, net.filled(`${name}.ls1`, [c.dim], 1)));
  const m = net.layerNorm(x, `${name}.norm2`, c.dim, 1e-6);
  const mlp = net.linear(
    net.gelu(net.linear(m, `${name}.mlp.fc1`, c.dim, c.dim * 4)),
    `${name}.mlp.fc2`,
    c.dim * 4,
    c.dim,
  );
  return net.add(x, net.mul(mlp, net.filled(`${name}.ls2`, [c.dim], 1)));
}

/** The DPT reassemble step: ×4 and ×2 by transposed convolutions, ×1, ×½ by a strided convolution. */
function resample(net: Net, x: string, level: number, c: DepthStandinConfig): string {
  const ch = c.outChannels[level]!;
  if (level === 2) return x;
  if (level === 3) return net.conv(x, `head.resize_layers.3`, ch, ch, 3, 2);
  const s = level === 0 ? 4 : 2;
  const w = net.weight(`head.resize_layers.${level}.weight`, [ch, ch, s, s], ch * s * s);
  const b = net.filled(`head.resize_layers.${level}.bias`, [ch], 0);
  return net.op('ConvTranspose', [x, w, b], { kernel_shape: [s, s], strides: [s, s] });
}

/** Bilinear resize of [1, ch, h, w] to [1, ch, side, side] (DPT interpolates with align_corners). */
function resize(net: Net, x: string, ch: number, side: number): string {
  return net.op('Resize', [x, '', '', net.ints([1, ch, side, side])], {
    mode: 'linear',
    coordinate_transformation_mode: 'align_corners',
  });
}

/** Residual convolution unit: x + conv(relu(conv(relu(x)))). */
function rcu(net: Net, x: string, name: string, f: number): string {
  const y = net.conv(net.relu(net.conv(net.relu(x), `${name}.conv1`, f, f)), `${name}.conv2`, f, f);
  return net.add(x, y);
}

/** A DPT fusion block: the skip's RCU added to the path, another RCU, resized to `side`, a 1×1 projection. */
function fuse(net: Net, skip: string, path: string | undefined, name: string, f: number, side: number): string {
  const sum = path === undefined ? skip : net.add(path, rcu(net, skip, `head.scratch.${name}.resConfUnit1`, f));
  const refined = rcu(net, sum, `head.scratch.${name}.resConfUnit2`, f);
  return net.conv(resize(net, refined, f, side), `head.scratch.${name}.out_conv`, f, f, 1);
}
