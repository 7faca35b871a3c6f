import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** The format tag every export's contract.json carries; a new incompatible contract gets a new one. */
export const CONTRACT_FORMAT = 'daydream-scope/ar-video@1';

const count = z.number().int().positive();
const file = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\.onnx$/, 'a file name in the export folder, ending in .onnx')
  .refine((f) => !f.startsWith('.'), 'a file name in the export folder');

const decoder = z.object({
  /** Steady-state decoder: latents + state -> frames + state. */
  file,
  /** Decoder for the stream's first latent frame where it differs (the Wan VAE skips its temporal upsampling). */
  first: file.optional(),
  /** Frames dropped from the start of the stream (TAEHV decodes latent 0 to 4 frames and drops 3). */
  trim: z.number().int().min(0).default(0),
});

const encoder = z.object({ file, first: file.optional() });

/** contract.json: what the exporter (tools/ar-video-export) or the tiny generator wrote, checked with zod. */
export const exportConfigSchema = z.object({
  format: z.literal(CONTRACT_FORMAT),
  /** Which model the graphs hold, e.g. longlive-1.3b, streamdiffusionv2-1.3b, tiny, wan-1.3b-standin. */
  model: z.string().min(1).max(100),
  /** Where the weights came from (repository, commit, checkpoint), for the log. */
  source: z.string().max(500).optional(),
  width: count,
  height: count,
  latent: z.object({ channels: count, height: count, width: count }),
  tokensPerFrame: count,
  layers: count,
  heads: count,
  headDim: count,
  text: z.object({ length: count, dim: count }),
  /** Element type of the float tensors the graphs take and give. */
  dtype: z.enum(['float32', 'float16']),
  /** The cache the block graph was exported for: slots = windowFrames - blockFrames. */
  cache: z.object({ sinkFrames: z.number().int().min(0), windowFrames: count, blockFrames: count }),
  schedule: z.object({ shift: z.number().positive(), warp: z.boolean(), steps: z.array(count).min(1).max(8) }),
  /** Pixel frames per latent frame after the first (the Wan VAE's temporal stride, 4). */
  framesPerLatent: count,
  vae: z.object({
    decoders: z.object({ full: decoder.optional(), tiny: decoder.optional() }),
    encoder: encoder.optional(),
  }),
  textEncoder: file.optional(),
  tokenizer: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\.json$/)
    .optional(),
});

export type ExportConfig = z.infer<typeof exportConfigSchema>;

/** Reads and checks `<dir>/contract.json`; every problem is one sentence naming the file. */
export async function readExportConfig(dir: string): Promise<ExportConfig> {
  const path = join(dir, 'contract.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`${path} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  const parsed = exportConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${path} does not describe an ar-video export: ${issues}`);
  }
  return parsed.data;
}

/** Cache slots of the export: the frames a block attends to besides its own. */
export const cacheSlots = (c: ExportConfig) => c.cache.windowFrames - c.cache.blockFrames;
