import { definePipeline } from '../../src/engine/pipeline';
import { ArVideoPipeline } from '../ar-video/ar-pipeline';
import type { ArPipelineSpec } from '../ar-video/ar-pipeline';
import { exportPreflight, longliveExport } from '../ar-video/export-manifest';
import { arParams } from '../ar-video/params';

/**
 * LongLive 1.3B (NVlabs/LongLive branch v1.0, configs/longlive_inference.yaml): 3-frame blocks against a 12-frame
 * attention window with 3 sink frames, steps [1000, 750, 500, 250] warped through shift 5, a clean pass at t = 0
 * writes the cache, and a prompt cut re-runs the rolling frames under the new prompt (global sink kept).
 */
export const longliveSpec: ArPipelineSpec = {
  id: 'longlive',
  manifest: longliveExport,
  video: false,
  tiny: {
    model: 'tiny-longlive',
    cache: { sinkFrames: 3, windowFrames: 12, blockFrames: 3 },
    schedule: { shift: 5, warp: true, steps: [1000, 750, 500, 250] },
  },
  // Wan's RoPE table has 1024 frame positions: the block that would pass it starts the video afresh (as Scope).
  stream: { positionLimit: 1024, onLimit: 'reset', rewindTo: 0 },
  promptCut: 'recache',
};

export const longlive = definePipeline({
  id: 'longlive',
  name: 'LongLive',
  description:
    'Long text-to-video, block by block (LongLive 1.3B on Wan2.1): a KV cache with attention sinks, prompt ' +
    'switches that re-cache. Needs an export made by tools/ar-video-export and a GPU.',
  params: arParams({
    exportId: longliveExport.id,
    prompt: 'a paper boat drifting down a rainy street, cinematic',
    steps: '1000,750,500,250',
    recache: 'keep-sinks',
    commit: 'clean',
  }),
  preflight: exportPreflight(longliveExport),
  create: () => new ArVideoPipeline(longliveSpec),
});
