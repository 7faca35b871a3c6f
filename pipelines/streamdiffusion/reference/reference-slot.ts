/**
 * The reference image of streamdiffusion (IP-Adapter): the image encoder turns the picture the `reference` parameter
 * names into image embeddings once per change, and the IP-Adapter UNet (which replaces the model's UNet the first
 * time a reference is set, and equals it at scale 0) reads them and `referenceWeight` every frame as two more
 * inputs. Beside a ControlNet the replacement is the UNet with both the residual inputs and the IP-Adapter's
 * (unet_controlnet_ip); where a real model has no such export, the reference is refused with the command that
 * makes it. A reference that cannot be read is refused with a sentence in the log and the previous one stays.
 */
import { basename, dirname } from 'node:path';
import type { InferenceBackend } from '../../../src/runtime/backend';
import { readReference } from '../../../src/references/reference-images';
import type { DiffusionModel } from '../diffusion-model';
import type { ModelId } from '../models';
import { TypedSession } from '../session-io';
import type { Feed } from '../session-io';
import { resolveAdapter } from './adapter-files';
import { clipPixels } from './clip-pixels';
import { CLIP_SIZE } from './tiny-graphs';
import { residualNames } from '../controlnet/residuals';

export interface ReferenceSlotOptions {
  runtime: InferenceBackend;
  model: ModelId;
  /** The models folder (the exporter's files) and the reference images' folder. */
  modelsDir: string;
  referencesDir: string;
  /** The load's size: the stand-in adapter is generated at it (the model fixes the IP UNet's free dimensions). */
  size: { width: number; height: number; latentChannels: number; tokens: number };
  log: (message: string) => void;
}

export class ReferenceSlot {
  private encoder: TypedSession | undefined;
  /** Why the adapter could not be opened: said once, not tried again every frame. */
  private unavailable: string | undefined;
  private asked = '';
  /** The image embeddings of the reference in use (the last one that was read), or none. */
  private embeds: Float32Array | undefined;
  private inUse = '';
  private weight = 0;
  private width = 0;

  constructor(private readonly o: ReferenceSlotOptions) {}

  /** This frame's reference and weight; a new name is read and encoded before the frame, a weight is just fed. */
  async apply(model: DiffusionModel, name: string, weight: number): Promise<void> {
    this.weight = weight;
    if (name === this.asked) return;
    this.asked = name;
    if (name === '') {
      this.embeds = undefined;
      this.inUse = '';
      return;
    }
    if (!(await this.open(model))) return;
    try {
      const image = await readReference(this.o.referencesDir, name, CLIP_SIZE);
      const out = await this.encoder!.run({
        pixel_values: { data: clipPixels(image), dims: [1, 3, CLIP_SIZE, CLIP_SIZE] },
      });
      const embeds = out.image_embeds ?? Object.values(out)[0];
      if (!embeds || embeds.length !== this.width) {
        throw new Error(`the image encoder gave ${embeds?.length ?? 0} values, the UNet takes ${this.width}`);
      }
      this.embeds = embeds;
      this.inUse = name;
      this.o.log(`reference image: ${name}`);
    } catch (err) {
      const keeping = this.inUse ? `"${this.inUse}" stays` : 'no reference is used';
      this.o.log(`${(err as Error).message}; ${keeping}`);
    }
  }

  /**
   * The IP UNet's two inputs for a batch: image_embeds [b, E] (zeros for the negative elements, as diffusers feeds
   * the unconditional image), ip_adapter_scale [1] (0 while no reference is in use).
   */
  feeds(negativeMask: boolean[]): Record<string, Feed> {
    const b = negativeMask.length;
    const e = this.width;
    const data = new Float32Array(b * e);
    if (this.embeds) negativeMask.forEach((neg, i) => neg || data.set(this.embeds!, i * e));
    const scale = this.embeds ? this.weight : 0;
    return {
      image_embeds: { data, dims: [b, e] },
      ip_adapter_scale: { data: Float32Array.of(scale), dims: [1] },
    };
  }

  async release(): Promise<void> {
    await this.encoder?.release();
    this.encoder = undefined;
  }

  /** Opens the adapter once: the encoder, and the IP UNet (with a ControlNet: the combined one) in place of the model's UNet. */
  private async open(model: DiffusionModel): Promise<boolean> {
    if (this.encoder) return true;
    if (this.unavailable) {
      this.o.log(`reference "${this.asked}" not used: ${this.unavailable}`);
      return false;
    }
    const opened: TypedSession[] = [];
    try {
      // Beside a ControlNet the UNet in use takes its residuals: the one put in its place takes them too.
      const control = model.control !== undefined;
      const files = await resolveAdapter(this.o.model, this.o.modelsDir, this.o.size, { controlnet: control });
      const unetPath = control ? files.controlUnet : files.unet;
      if (!unetPath) throw new Error(`${this.o.model} has no UNet for a ControlNet and a reference at once`);
      const encoder = await TypedSession.open(this.o.runtime, files.encoder);
      opened.push(encoder);
      const unetFile = { dir: dirname(dirname(unetPath)), file: `${basename(dirname(unetPath))}/model.onnx` };
      await model.useIpUnet(
        unetFile,
        (mask) => this.feeds(mask),
        (unet) => {
          const width = unet.signature.inputs.find((i) => i.name === 'image_embeds')?.dims[1];
          if (typeof width !== 'number' || !unet.has('ip_adapter_scale')) {
            throw new Error(
              `${unetPath} is not an IP-Adapter UNet (it needs image_embeds [b, E] and ip_adapter_scale)`,
            );
          }
          if (control) checkResiduals(unetPath, unet, model.networks.unet);
          this.width = width;
        },
      );
      this.encoder = encoder;
      this.o.log(`IP-Adapter loaded for ${this.o.model} (${this.width}-wide image embeddings)`);
      return true;
    } catch (err) {
      await Promise.allSettled(opened.map((s) => s.release()));
      this.unavailable = (err as Error).message;
      this.o.log(`reference "${this.asked}" not used: ${this.unavailable}`);
      return false;
    }
  }
}

/**
 * The UNet for a ControlNet and a reference takes the residuals as the ControlNet UNet in use does (the ControlNets'
 * outputs and the summed zeros are made for that one's types); refused with a sentence otherwise.
 */
function checkResiduals(path: string, unet: TypedSession, inUse: TypedSession): void {
  const lacks = residualNames.filter((n) => !unet.has(n));
  if (lacks.length > 0) throw new Error(`${path} takes no ControlNet residuals (no ${lacks.join(', ')})`);
  const differs = ['sample', ...residualNames].find((n) => unet.inputType(n) !== inUse.inputType(n));
  if (differs) {
    throw new Error(
      `${path} takes ${differs} as ${unet.inputType(differs)} but the ControlNet UNet as ${inUse.inputType(differs)}: ` +
        'export both at one precision',
    );
  }
}
