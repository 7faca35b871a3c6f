import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxInterpolator } from './onnx-interpolator';
import { rifeExport } from './rife-manifest';
import type { InterpolationModel } from './onnx-interpolator';
import type { InferenceBackend } from '../../runtime/backend';

/** `--interpolator`: `auto`, `tiny`, `stand-in`, or the path of a RIFE export. */
export type InterpolationChoice = 'auto' | 'tiny' | 'stand-in' | string;

/**
 * The interpolator a server runs. `auto` takes the RIFE export in the models directory when there is one, else the
 * tiny graph with a zero flow head: frames between renders are then a crossfade, at a cost any CPU carries. The
 * built graphs chosen by name keep their zero flow head as well, so a show never sees random weights' warps; the
 * stand-in's random flow is for the bench alone.
 */
export function interpolatorFor(o: {
  runtime: InferenceBackend;
  choice: InterpolationChoice;
  modelsDir: string;
  log: (message: string) => void;
}): OnnxInterpolator {
  const exported = join(o.modelsDir, rifeExport.file);
  let model: InterpolationModel;
  if (o.choice === 'auto') model = existsSync(exported) ? { path: exported } : 'tiny';
  else if (o.choice === 'tiny' || o.choice === 'stand-in') model = o.choice;
  else model = { path: o.choice };
  const described = typeof model === 'string' ? `the ${model} graph with no flow (a crossfade)` : model.path;
  o.log(`frame interpolation (interpolate 2-4): ${described}`);
  return new OnnxInterpolator({ runtime: o.runtime, model, zeroHead: true, log: o.log });
}
