import { definePipeline } from '../../src/engine/pipeline';
import { ArVideoPipeline } from '../ar-video/ar-pipeline';
import type { ArPipelineSpec } from '../ar-video/ar-pipeline';
import { exportPreflight, streamDiffusionV2Export } from '../ar-video/export-manifest';
import { arVideoParams } from '../ar-video/params';

/**
 * StreamDiffusionV2 1.3B (chenfengxu714/StreamDiffusionV2, configs/wan_causal_dmd_v2v.yaml): 1-frame blocks
 * against a 6-frame window with 3 sink frames, shift 8 without warping, steps [700, 500] of which the first becomes
 * int(1000·s) - 100 for noise scale s; the input video's latents (the encoder's raw mean, not normalised) are
 * noised to s. The stream's first chunk is 1 + 4 video frames, 2 latent frames denoised at [700, 500]. Each
 * denoising step keeps its own K/V cache (per-step, upstream's stream batch); a prompt cut starts the stream
 * afresh (upstream's demo starts a new session); at frame position 50 the position rewinds to 5 and the cache is
 * kept (t_refresh).
 */
export const streamDiffusionV2Spec: ArPipelineSpec = {
  id: 'streamdiffusionv2',
  manifest: streamDiffusionV2Export,
  video: true,
  tiny: {
    model: 'tiny-streamdiffusionv2',
    cache: { sinkFrames: 3, windowFrames: 6, blockFrames: 1 },
    schedule: { shift: 8, warp: false, steps: [700, 500] },
  },
  stream: { positionLimit: 50, onLimit: 'rewind', rewindTo: 5 },
  promptCut: 'reset',
};

export const streamDiffusionV2 = definePipeline({
  id: 'streamdiffusionv2',
  name: 'StreamDiffusionV2',
  description:
    'Video to video, one latent frame (4 video frames) per block (StreamDiffusionV2 1.3B on Wan2.1): the input ' +
    'is noised by a motion-aware controller and restyled by the prompt. Needs an export made by ' +
    'tools/ar-video-export and a GPU.',
  params: arVideoParams({
    exportId: streamDiffusionV2Export.id,
    prompt: 'a watercolor painting, soft light',
    steps: '700,500',
    recache: 'off',
    commit: 'per-step',
  }),
  takesInput: true,
  preflight: exportPreflight(streamDiffusionV2Export),
  create: () => new ArVideoPipeline(streamDiffusionV2Spec),
});
