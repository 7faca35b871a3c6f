import type { WanShape } from './wan-block';

/** Wan's layout at a size a test can run: 2 layers, width 64 in 4 heads of 16, a 4×8 latent, 3 cache slots. */
export const smallWan: WanShape = {
  layers: 2,
  dim: 64,
  heads: 4,
  ffn: 96,
  channels: 16,
  height: 4,
  width: 8,
  slots: 3,
  textLength: 8,
  textDim: 32,
  headsPerGroup: 2,
};
