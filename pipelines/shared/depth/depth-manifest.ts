import type { ModelManifest } from '../../../src/models/manifest';

/*
 * Depth-Anything-V2-Small as ONNX, from the Hub's file listing of onnx-community/depth-anything-v2-small (read,
 * not downloaded; no checksum seen): onnx/model.onnx 99.1 MB (fp32), onnx/model_fp16.onnx 49.6 MB, and
 * quantised variants (int8/uint8/q4 ≈27 MB, q4f16 19.1 MB, bnb4 26.1 MB). Revision `main`: the listing showed
 * only the short commit 34f40a4. Its signature (`pixel_values` [B, 3, H, W] -> `predicted_depth` [B, H, W]) is
 * that of optimum's depth-estimation export, which the repository's Transformers.js files come from; it was not
 * read from the file itself here (unverified until the file is opened: the chain's session reports a mismatch).
 */
export const depthAnythingV2SmallManifest: ModelManifest = {
  id: 'depth-anything-v2-small',
  pipeline: 'preprocess',
  description: 'Depth-Anything-V2-Small (ViT-S/14 + DPT, relative depth) for the `depth` pre-processor stage',
  artifacts: [
    {
      repo: 'onnx-community/depth-anything-v2-small',
      revision: 'main',
      file: 'onnx/model.onnx',
      role: 'depth model (fp32)',
      approxBytes: 99.1e6,
    },
  ],
};
