import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxInterpolator } from './onnx-interpolator';
import { rifeExport } from './rife-manifest';
import { blendInterpolator } from './interpolator';
import type { FrameInterpolator } from './interpolator';
import type { InterpolationModel } from './onnx-interpolator';
import type { InferenceBackend } from '../../runtime/backend';

/** `--interpolator`: `auto`, `tiny`, `stand-in`, or the path of a RIFE export. */
export type InterpolationChoice = 'auto' | 'tiny' | 'stand-in' | string;

/**
 * The interpolator a server runs. `auto` takes the RIFE export in the models directory when there is one; else,
 * on a GPU provider, the tiny graph with a zero flow head, and on the CPU the crossfade in JS: both make the same
 * frames (the 50/50 blend), and on a CPU the graph costs far more (bench/interpolation.ts). The built graphs
 * chosen by name keep their zero flow head too, so a show never sees random weights' warps; the stand-in's random
 * flow is for the bench alone.
 */
export function interpolatorFor(o: {
  runtime: InferenceBackend;
  choice: InterpolationChoice;
  modelsDir: string;
  log: (message: string) => void;
}): FrameInterpolator & { close(): Promise<void> } {
  const exported = join(o.modelsDir, rifeExport.file);
  let model: InterpolationModel;
  if (o.choice === 'auto') {
    if (existsSync(exported)) model = { path: exported };
    else if (o.runtime.executionProvider !== 'cpu') model = 'tiny';
    else {
      o.log('frame interpolation (interpolate 2-4): a crossfade on the CPU (no RIFE export in the models directory)');
      return { ...blendInterpolator, close: () => Promise.resolve() };
    }
  } else if (o.choice === 'tiny' || o.choice === 'stand-in') model = o.choice;
  else model = { path: o.choice };
  const described = typeof model === 'string' ? `the ${model} graph with no flow (a crossfade)` : model.path;
  o.log(`frame interpolation (interpolate 2-4): ${described} on ${o.runtime.executionProvider}`);
  return new OnnxInterpolator({ runtime: o.runtime, model, zeroHead: true, log: o.log });
}
