/**
 * The tensors a ControlNet hands the UNet, as diffusers' ControlNetModel makes them for an SD 2.1-family UNet: the
 * output of conv_in, then of every resnet/attention pair and every downsampler of the four down blocks (1 + 3 + 3 +
 * 3 + 2 = 12), each through its zero 1×1 convolution, and the mid block's output through its own. The UNet adds
 * down residual i to skip connection i and the mid residual to the mid block's output
 * (down_block_additional_residuals, mid_block_additional_residual).
 */

export const DOWN_RESIDUALS = 12;
/** The ONNX names of the residuals, as the ControlNet graph's outputs and the ControlNet UNet's extra inputs. */
export const residualNames: readonly string[] = [
  ...Array.from({ length: DOWN_RESIDUALS }, (_, i) => `down_block_${i}`),
  'mid_block',
];
/** The ControlNet graph's image input: [batch, 3, height, width] in [0, 1] (diffusers' control image). */
export const CONTROL_IMAGE = 'controlnet_cond';
/** SD 2.1's block_out_channels. */
export const SD21_CHANNELS = [320, 640, 1280, 1280] as const;

export interface ResidualShape {
  name: string;
  channels: number;
  /** The block level whose resolution it has: latent size halved `level` times (rounded up, as stride-2 3×3
   * convolutions with padding 1 do). */
  level: number;
}

/**
 * Channels and level of each residual for block channels `channels` (four levels, two layers per block, a
 * downsampler after each block but the last): index 0 is conv_in's output at level 0; per level two of its own
 * channels, then the downsampler's output (same channels, next level); the mid block at the last level.
 */
export function residualShapes(channels: readonly number[] = SD21_CHANNELS): ResidualShape[] {
  const out: Omit<ResidualShape, 'name'>[] = [{ channels: channels[0]!, level: 0 }];
  for (let level = 0; level < 4; level++) {
    const c = channels[level]!;
    out.push({ channels: c, level }, { channels: c, level });
    if (level < 3) out.push({ channels: c, level: level + 1 });
  }
  out.push({ channels: channels[3]!, level: 3 });
  return out.map((s, i) => ({ ...s, name: residualNames[i]! }));
}

/** A latent side halved `level` times, rounding up. */
export function levelSize(side: number, level: number): number {
  let s = side;
  for (let i = 0; i < level; i++) s = Math.ceil(s / 2);
  return s;
}

/** Full dims of each residual for a batch of `batch` at latent `lh × lw`. */
export function residualDims(batch: number, lh: number, lw: number, channels?: readonly number[]): number[][] {
  return residualShapes(channels).map((s) => [batch, s.channels, levelSize(lh, s.level), levelSize(lw, s.level)]);
}
