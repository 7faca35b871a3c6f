import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fileExists } from '../../src/files';

/**
 * Checks a model's files are of the kind the stream's maths assumes, before the first frame, with a sentence
 * saying what is wrong: an ONNX export carries no record of its parametrisation or value range, and the wrong one
 * gives garbage pictures rather than an error.
 */

const SchedulerConfig = z.object({ prediction_type: z.string().optional() }).passthrough();

/**
 * Refuses a model whose scheduler_config.json (when the export has one) names anything but epsilon prediction:
 * the LCM step reads the UNet's output as the noise ε (x̂₀ = (x - √(1-ᾱ)·ε)/√ᾱ), as StreamDiffusion does; a
 * v-prediction or sample model would give garbage.
 */
export async function checkPredictionType(dir: string, model: string): Promise<void> {
  const path = join(dir, 'scheduler', 'scheduler_config.json');
  if (!(await fileExists(path))) return;
  let parsed: z.infer<typeof SchedulerConfig>;
  try {
    parsed = SchedulerConfig.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    throw new Error(`${model}: scheduler/scheduler_config.json is not a JSON object with a text prediction_type`);
  }
  const type = parsed.prediction_type;
  if (type !== undefined && type !== 'epsilon') {
    throw new Error(
      `${model} predicts "${type}" (scheduler/scheduler_config.json): streamdiffusion reads the UNet's output as ` +
        'noise (epsilon prediction, as SD-Turbo and SDXL-Turbo are); this model would give garbage pictures',
    );
  }
}

/** A VAE as the pipeline uses it: [1,3,H,W] pixels in [-1,1] -> latent -> [3,H,W] pixels. */
export interface VaeRoundTrip {
  encode(pixels: Float32Array, width: number, height: number): Promise<Float32Array>;
  decode(latent: Float32Array, width: number, height: number): Promise<Float32Array>;
}

const GREY = 0.6;

/**
 * Sends a frame of two greys (-0.6 on the left half, +0.6 on the right, in the [-1,1] the pipeline feeds)
 * through the VAE and back. Refuses NaN (an fp16 SDXL VAE without the fp16 fix overflows) and, when `range` is
 * asked, a VAE that does not give back the range it is given (a TAESD export working in [0,1], or [0,255], would
 * wash out or clip every frame): the greys must come back as a·v + b with a within 0.3 of 1 and b within 0.2 of 0.
 */
export async function checkVae(
  vae: VaeRoundTrip,
  width: number,
  height: number,
  o: { label: string; range: boolean },
): Promise<void> {
  const plane = width * height;
  const pixels = new Float32Array(3 * plane);
  for (let i = 0; i < pixels.length; i++) pixels[i] = i % width < width / 2 ? -GREY : GREY;
  const decoded = await vae.decode(await vae.encode(pixels, width, height), width, height);
  if (!decoded.every(Number.isFinite)) throw new Error(nanMessage(o.label));
  if (!o.range) return;
  // The outer quarters, away from the edge between the halves that the VAE blurs.
  let left = 0;
  let right = 0;
  let count = 0;
  for (let i = 0; i < Math.min(decoded.length, 3 * plane); i++) {
    const x = i % width;
    if (x < width / 4) left += decoded[i]!;
    else if (x >= (3 * width) / 4) right += decoded[i]!;
    else continue;
    count++;
  }
  const [l, r] = [(2 * left) / count, (2 * right) / count];
  const a = (r - l) / (2 * GREY);
  const b = (r + l) / 2;
  if (Math.abs(a - 1) > 0.3 || Math.abs(b) > 0.2) {
    throw new Error(
      `${o.label} does not work in the [-1, 1] pixel range the pipeline uses: greys ${-GREY} and ${GREY} came ` +
        `back as ${l.toFixed(2)} and ${r.toFixed(2)}; export it as diffusers' AutoencoderTiny does (input and ` +
        'output in [-1, 1])',
    );
  }
}

/** What a NaN from the VAE decoder means, for the load check and the first-frame check alike. */
export function nanMessage(label: string): string {
  return (
    `${label} decodes to NaN: an fp16 SDXL VAE overflows unless it is the fp16-fix one ` +
    '(madebyollin/sdxl-vae-fp16-fix); export that VAE, use a float32 one, or choose vae: tiny'
  );
}
