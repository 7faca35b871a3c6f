/**
 * An export run on two execution providers, block by block, with the same seed and inputs: how far the provider
 * it will run on (WebGPU, say) is from a reference provider (CUDA, or the CPU for small exports). The exporter's
 * Python check compares with upstream PyTorch on CUDA and CPU only (onnxruntime's Python package has no WebGPU), so
 * this is the WebGPU half of the check: `npx tsx bench/ar-video-providers.ts <export folder>`. The two sides may
 * also be two exports (a float16 export against its float32 one: how far float16 drifts).
 */
import type { InferenceBackend } from '../../src/runtime/backend';
import { ArModel } from './ar-model';
import { ArStream } from './ar-stream';
import type { CommitMode } from './block-runner';

export interface ProviderCheckOptions {
  blocks: number;
  seed: number;
  commit: CommitMode;
  /** Largest relative RMS difference of the decoded frames that passes. */
  tolerance: number;
}

export interface ProviderBlock {
  block: number;
  /** RMS of the difference over the RMS of the reference's frames. */
  relative: number;
  maxAbs: number;
  finite: boolean;
}

export interface ProviderCheck {
  providers: [string, string];
  blocks: ProviderBlock[];
  ok: boolean;
}

const defaults: ProviderCheckOptions = { blocks: 3, seed: 7, commit: 'clean', tolerance: 0.02 };

/** Opens the export on a runtime with a zero context; video exports get grey input frames. */
async function openStream(runtime: InferenceBackend, dir: string, video: boolean): Promise<ArStream> {
  const model = await ArModel.open(runtime, dir, { decoder: 'full', encoder: video });
  const stream = new ArStream(model, { positionLimit: 1024, onLimit: 'reset', rewindTo: 0 });
  await stream.init();
  const c = model.config;
  await stream.setConditioning({ hidden: new Float32Array(c.text.length * c.text.dim) });
  return stream;
}

async function block(stream: ArStream, b: number, o: ProviderCheckOptions): Promise<Float32Array[]> {
  const c = stream.model.config;
  const settings = { steps: c.schedule.steps, commit: o.commit, seed: o.seed };
  if (!stream.model.encoder) return (await stream.textBlock(settings)).frames;
  // A slow horizontal ramp that moves a little per frame: grey input would hide most of the encoder.
  const frames = Array.from({ length: b === 0 ? 1 + c.framesPerLatent : c.framesPerLatent }, (_, f) =>
    Float32Array.from({ length: 3 * c.height * c.width }, (_, i) => ((i % c.width) / c.width) * 1.6 - 0.8 + f / 50),
  );
  return (await stream.videoBlock(settings, frames, 0.7, b === 0 ? undefined : 600)).frames;
}

/** One side of the comparison: an export folder on a runtime. */
export interface ProviderSide {
  dir: string;
  runtime: InferenceBackend;
}

/** Runs `blocks` blocks on both sides with the same seed and inputs, comparing the decoded frames. */
export async function checkProviders(
  reference: ProviderSide,
  candidate: ProviderSide,
  options: Partial<ProviderCheckOptions> = {},
  video = false,
): Promise<ProviderCheck> {
  const o = { ...defaults, ...options } satisfies ProviderCheckOptions;
  const streams = [
    await openStream(reference.runtime, reference.dir, video),
    await openStream(candidate.runtime, candidate.dir, video),
  ] as const;
  try {
    const blocks: ProviderBlock[] = [];
    for (let b = 0; b < o.blocks; b++) {
      const ref = await block(streams[0], b, o);
      const got = await block(streams[1], b, o);
      let diff = 0;
      let norm = 0;
      let maxAbs = 0;
      let finite = got.length === ref.length;
      ref.forEach((r, f) => {
        const g = got[f]!;
        for (let i = 0; i < r.length; i++) {
          const d = g[i]! - r[i]!;
          finite &&= Number.isFinite(g[i]!);
          diff += d * d;
          norm += r[i]! * r[i]!;
          maxAbs = Math.max(maxAbs, Math.abs(d));
        }
      });
      blocks.push({ block: b, relative: Math.sqrt(diff / Math.max(norm, 1e-30)), maxAbs, finite });
    }
    const ok = blocks.every((b) => b.finite && b.relative <= o.tolerance);
    return { providers: [reference.runtime.executionProvider, candidate.runtime.executionProvider], blocks, ok };
  } finally {
    for (const s of streams) {
      await s.close();
      await s.model.close();
    }
  }
}
