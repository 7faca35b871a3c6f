/**
 * Opening a Stable Diffusion model's network files as their roles (tensor-roles.ts), sized to the image when it is
 * known, and the text encoders and UNet with a LoRA's branches: what a LoRA change reopens.
 */
import type { InferenceBackend } from '../../src/runtime/backend';
import { SECOND_TEXT_ENCODER } from '../../src/runtime/lora/lora-keys';
import { ClipTokenizer, CONTEXT_LENGTH } from './clip-tokenizer';
import type { ModelFiles } from './models';
import { modelFile } from './models';
import type { TextTower } from './prompt-encoder';
import { TypedSession } from './session-io';
import type { LoraSet } from './session-io';
import type { Network } from './tensor-roles';

export const LATENT_CHANNELS = 4;

export type Progress = (stage: string, fraction: number) => void;
export type ImageSize = { width: number; height: number };

/** The networks a LoRA changes, opened with its branches: the text encoders and the UNet. */
export interface LoraNetworks {
  towers: TextTower[];
  unet: TypedSession;
  /** The UNet file and LoRAs they were opened with (set by openWithLoras). */
  unetFile?: UnetFile;
  loras?: LoraSet | undefined;
}

/**
 * A UNet file: the model's `unet/model.onnx`, or the IP-Adapter's `unet_ip/model.onnx` (or, beside a ControlNet,
 * `unet_controlnet_ip/model.onnx`) (reference/).
 */
export interface UnetFile {
  dir: string;
  file: string;
}

/** One network file opened as its role, with LoRA branches when `loras` are given. */
export function openNetwork(
  runtime: InferenceBackend,
  dir: string,
  file: string,
  image: ImageSize | undefined,
  loras?: LoraSet,
  /** The file to open instead of dir/file, in the same role (the ControlNet UNet). */
  path?: string,
): Promise<TypedSession> {
  // text_encoder_2 is a text encoder; unet_ip and unet_controlnet_ip (the IP-Adapter's) are UNets.
  const folder = file.split('/')[0]!;
  const network = (folder.startsWith('unet') ? 'unet' : folder.replace(/_2$/, '')) as Network;
  const size = image && { ...image, latentChannels: LATENT_CHANNELS, tokens: CONTEXT_LENGTH };
  return TypedSession.open(runtime, path ?? modelFile(dir, file), {
    network,
    label: file,
    ...(size ? { size } : {}),
    // SDXL's second text encoder has the first one's module names: its pairs are told apart by their prefix.
    ...(loras
      ? { loras: file.startsWith('text_encoder_2/') ? { ...loras, keyPrefix: SECOND_TEXT_ENCODER } : loras }
      : {}),
  });
}

/** The text encoders (with their tokenizers) and the UNet; a LoRA that reached none of them is refused. */
export async function openLoraNetworks(
  runtime: InferenceBackend,
  files: ModelFiles,
  image: ImageSize | undefined,
  loras: LoraSet | undefined,
  progress: Progress,
  opened: TypedSession[] = [],
  unetFile: UnetFile = { dir: files.dir, file: 'unet/model.onnx' },
): Promise<LoraNetworks> {
  const reached = (loras?.list ?? []).map(() => 0);
  const set = loras && {
    ...loras,
    matched: (label: string, matched: number[]) => {
      matched.forEach((n, i) => (reached[i]! += n));
      loras.matched?.(label, matched);
    },
  };
  const mine: TypedSession[] = [];
  try {
    const towers: TextTower[] = [];
    for (const [i, suffix] of (files.xl ? ['', '_2'] : ['']).entries()) {
      const tokenizer = await ClipTokenizer.fromFiles(
        modelFile(files.dir, `tokenizer${suffix}/vocab.json`),
        modelFile(files.dir, `tokenizer${suffix}/merges.txt`),
        { padToken: files.padTokens[i] },
      );
      progress('loading text encoder', 0.1 + i * 0.1);
      const session = await openNetwork(runtime, files.dir, `text_encoder${suffix}/model.onnx`, image, set);
      mine.push(session);
      towers.push({ tokenizer, session, name: `text_encoder${suffix}/model.onnx` });
    }
    progress('loading UNet', 0.3);
    // The ControlNet UNet (files.unetPath) stands in for the base UNet only, not for the IP-Adapter's.
    const base = unetFile.dir === files.dir && unetFile.file === 'unet/model.onnx';
    const unet = await openNetwork(runtime, unetFile.dir, unetFile.file, image, set, base ? files.unetPath : undefined);
    mine.push(unet);
    const missed = (loras?.list ?? []).filter((_, i) => reached[i] === 0);
    if (missed.length > 0) {
      throw new Error(
        `LoRA ${missed.map((l) => l.name).join(', ')} matches no MatMul of ${files.id}'s UNet or text encoder ` +
          '(a LoRA for another model, or keys this loader does not know)',
      );
    }
    opened.push(...mine);
    return { towers, unet };
  } catch (err) {
    await Promise.allSettled(mine.map((s) => s.release()));
    throw err;
  }
}
