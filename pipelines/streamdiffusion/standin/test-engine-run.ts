/** A stand-in's graphs end to end on the pipeline's device engine, on the CPU provider, for the stand-in tests. */
import type { Image } from '../../../src/engine/frame';
import { OrtRuntime } from '../../../src/runtime/ort';
import { NoiseBank } from '../../shared/noise';
import { Timings } from '../../shared/timings';
import { DeviceEngine } from '../device-engine';
import { DiffusionModel } from '../diffusion-model';
import type { ModelFiles } from '../models';
import { stagesFor } from '../schedule';
import { plainRequest } from '../test-frame-request';

/**
 * Opens the 64×64 stand-in written at `dir` (its own VAE as the model's VAE) and renders one txt2img frame and one
 * img2img frame of a flat grey picture. Answers both frames and the stages the engine timed.
 */
export async function renderStandin(
  dir: string,
  id: ModelFiles['id'],
  latentScale: number,
): Promise<{ frames: Image[]; timed: string[] }> {
  const runtime = new OrtRuntime({ device: 'cpu' });
  const timings = new Timings();
  const files = { id, xl: false, dir, vaeDir: dir, latentScale, padTokens: ['!', '!'] as [string, string] };
  const model = await DiffusionModel.open(runtime, files, timings);
  const engine = new DeviceEngine(runtime, model, 64, 64, timings);
  try {
    await engine.reset(stagesFor([0]), new NoiseBank(4 * 8 * 8, 1, 1).stages);
    const positive = await model.prompts.encode('a lighthouse');
    const image = { data: new Uint8Array(64 * 64 * 4).fill(200), width: 64, height: 64 };
    const frames: Image[] = [];
    for (const input of [undefined, image]) {
      const frame = await engine.render(plainRequest(positive, input));
      // A copy: the engine may hand back the same buffer for the next frame.
      frames.push({ ...frame, data: frame.data.slice() });
    }
    return { frames, timed: Object.keys(timings.means()) };
  } finally {
    await engine.release();
    await model.release();
    await runtime.close();
  }
}
