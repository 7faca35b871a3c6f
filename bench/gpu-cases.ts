/** The graphs the GPU bench times on the CPU provider and on the device, each with feeds it can run on. */
import { join } from 'node:path';
import { snapshotOf } from '../src/engine/snapshot';
import { modelsDir } from '../src/files';
import { readSignature } from '../src/runtime/onnx-signature';
import { syntheticFeeds } from '../src/runtime/placement';
import type { PlainTensor } from '../src/runtime/tensor';
import { FrameInputs } from '../pipelines/neural-field/frame-inputs';
import { buildFieldNet } from '../pipelines/neural-field/graph';
import { fieldFeeds, fieldNetOptions, LATENT_SIZE, neuralField } from '../pipelines/neural-field/neural-field';
import { writeStandin } from '../pipelines/streamdiffusion/standin/write';
import { writeResnet50 } from './gpu-resnet';

export interface GraphCase {
  name: string;
  model: string | Uint8Array;
  feeds: Record<string, PlainTensor>;
  /** Also on the CPU provider (false where it cannot: float16 graphs). */
  cpu: boolean;
  /** Seconds a run takes on the CPU provider, roughly: the bench gives it fewer runs. */
  heavy: boolean;
}

function neuralFieldCase(name: string, width: number, height: number, over: Record<string, number> = {}): GraphCase {
  const params = snapshotOf(neuralField.params, { width, height }, over);
  const inputs = new FrameInputs(params.seed, LATENT_SIZE);
  inputs.update(1, params);
  return {
    name,
    model: buildFieldNet(fieldNetOptions(width, height, params)),
    feeds: fieldFeeds(inputs) as Record<string, PlainTensor>,
    cpu: true,
    heavy: false,
  };
}

/** The graphs: neural-field at three costs, then the SD-Turbo-shaped stand-ins (generated once into the models dir). */
export async function graphCases(o: {
  standins: boolean;
  size: number;
  log: (m: string) => void;
}): Promise<GraphCase[]> {
  const cases = [
    neuralFieldCase('neural-field 512² default', 512, 512),
    neuralFieldCase('neural-field 1080p default', 1920, 1080),
    neuralFieldCase('neural-field 1080p 8 layers × 64 units', 1920, 1080, { layers: 8, units: 64 }),
  ];
  const resnet = await writeResnet50(join(modelsDir(), 'bench-resnet50-512'), 512);
  const { inputs: resnetInputs } = await readSignature(resnet);
  cases.push({
    name: 'ResNet-50 1×3×512×512',
    model: resnet,
    feeds: syntheticFeeds(resnetInputs, {}),
    cpu: true,
    heavy: false,
  });
  if (!o.standins) return cases;
  const s = o.size;
  const latent = s / 8;
  // float16 first: what streamdiffusion runs on a GPU, and what a run cut short by a time limit should have.
  for (const half of [true, false]) {
    o.log(`stand-in SD-Turbo ${half ? 'fp16' : 'fp32'} ${s}²: generating into ${modelsDir()} if missing …`);
    const dir = await writeStandin(modelsDir(), { half, width: s, height: s }, (n, f) =>
      o.log(`  ${n} ${(f * 100).toFixed(0)} %`),
    );
    const type = half ? 'fp16' : 'fp32';
    const add = async (label: string, file: string, sizes: Record<string, number>, heavy: boolean) => {
      const model = join(dir, file, 'model.onnx');
      const { inputs } = await readSignature(model);
      cases.push({ name: `${label} ${type}`, model, feeds: syntheticFeeds(inputs, sizes), cpu: !half, heavy });
    };
    await add(`TAESD decoder, ${s}² out,`, 'taesd/vae_decoder', { batch: 1 }, false);
    await add(`VAE decoder, ${s}² out,`, 'vae_decoder', { batch: 1 }, true);
    await add(`SD 2.1 UNet, ${latent}² latent, batch 1,`, 'unet', { batch: 1 }, true);
    await add('OpenCLIP ViT-H text encoder', 'text_encoder', { batch: 1 }, true);
  }
  return cases;
}
