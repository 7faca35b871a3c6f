import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileExists, writeFileAtomic } from '../../../src/files';
import { buildTextEncoder, buildUnet, buildVaeDecoder, buildVaeEncoder, tinyWeights } from './graphs';
import { tinyVocab } from './vocab';
import type { TinyNaming } from './export-naming';

export interface TinyOptions {
  /** The SDXL layout: two tokenizers and text encoders, a UNet with text_embeds and time_ids. */
  xl?: boolean;
  /** Declare float inputs and outputs float16, as fp16 exports do. */
  half?: boolean;
  /** A fixed UNet batch size instead of a dynamic one. */
  unetBatch?: number;
  /** How the export names and types its tensors (default: diffusers' names, float timestep, int32 ids). */
  naming?: TinyNaming;
}

/** The tiny model's embedding widths: 32 in the SD layout, 16 + 16 in the XL one (like 768 + 1280). */
export const tinyDims = (xl: boolean) => (xl ? [16, 16] : [32]);

/**
 * Writes the tiny stand-in models in the diffusers layout the real exports use (tokenizer/, text_encoder/,
 * unet/, vae_decoder/, vae_encoder/, and tokenizer_2/, text_encoder_2/ for XL) and returns the folder. The folder
 * name hashes the graphs, so a second call reuses the files.
 */
export async function writeTinyModel(options: TinyOptions = {}, root = join(tmpdir(), 'daydream-scope-tiny')) {
  const { vocab, merges } = tinyVocab();
  const vocabSize = Object.keys(vocab).length;
  const xl = options.xl ?? false;
  const half = options.half ?? false;
  const batch = options.unetBatch;
  const naming = options.naming;
  const [d1, d2] = tinyDims(xl);
  const w1 = tinyWeights(vocabSize, d1, 7);
  const files: Record<string, Uint8Array | string> = {
    'tokenizer/vocab.json': JSON.stringify(vocab),
    'tokenizer/merges.txt': ['#version: 0.2', ...merges, ''].join('\n'),
    'text_encoder/model.onnx': buildTextEncoder(w1, { half, ...(naming ? { naming } : {}) }),
    'vae_decoder/model.onnx': buildVaeDecoder(w1, { half, ...(naming ? { naming } : {}) }),
    'vae_encoder/model.onnx': buildVaeEncoder(w1, { half, ...(naming ? { naming } : {}) }),
  };
  if (xl) {
    const w2 = tinyWeights(vocabSize, d2!, 11);
    files['tokenizer_2/vocab.json'] = files['tokenizer/vocab.json']!;
    files['tokenizer_2/merges.txt'] = files['tokenizer/merges.txt']!;
    files['text_encoder_2/model.onnx'] = buildTextEncoder(w2, { half, pooledName: 'text_embeds' });
    files['unet/model.onnx'] = buildUnet(tinyWeights(vocabSize, d1! + d2!, 13), { half, xl: true, batch });
  } else {
    files['unet/model.onnx'] = buildUnet(tinyWeights(vocabSize, d1!, 13), {
      half,
      batch,
      ...(naming ? { naming } : {}),
    });
  }
  const hash = createHash('sha256');
  for (const [name, data] of Object.entries(files)) hash.update(name).update(data);
  const dir = join(root, hash.digest('hex').slice(0, 16));
  for (const [name, data] of Object.entries(files)) {
    const path = join(dir, name);
    // Written atomically: two servers generating at once never read half a file.
    if (!(await fileExists(path))) await writeFileAtomic(path, data);
  }
  return dir;
}
