/**
 * Tiny LoRAs for the tiny graphs (kohya or PEFT key names), and the same LoRAs merged into the graphs' weights in
 * closed form, W + s · alpha/rank · downᵀ · upᵀ, for the tests that check the branches against the merge.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gaussian, mulberry32 } from '../../../src/runtime/seeded-random';
import { mergeIntoGraph } from '../../../src/runtime/lora/test-merge';
import { writeSafetensors } from '../../../src/runtime/lora/test-safetensors';
import { TINY_TEXT_MODULE, TINY_UNET_MODULE } from './graphs';

export interface TinyLora {
  /** Per module: down [rank, in], up [out, rank], alpha. */
  modules: {
    module: string;
    graph: 'unet' | 'text_encoder' | 'text_encoder_2';
    cin: number;
    cout: number;
    down: Float32Array;
    up: Float32Array;
  }[];
  rank: number;
  alpha: number;
  /** The SDXL layout: kohya names the encoders te1 and te2. */
  xl: boolean;
}

/**
 * A rank-2 LoRA for the tiny SD graphs (text width 32): the UNet's text projection and the text encoder's; for
 * the tiny XL graphs (`xl`: two encoders of width 16, the UNet's 32), each encoder's own.
 */
export function tinyLora(
  seed: number,
  o: { unet?: boolean; text?: boolean; alpha?: number; xl?: boolean } = {},
): TinyLora {
  const randn = gaussian(mulberry32(seed));
  const dim = 32;
  const textDim = o.xl ? 16 : 32;
  const rank = 2;
  const fill = (n: number, std: number) => Float32Array.from({ length: n }, () => randn() * std);
  const modules: TinyLora['modules'] = [];
  if (o.unet ?? true) {
    modules.push({
      module: TINY_UNET_MODULE,
      graph: 'unet',
      cin: dim,
      cout: 4,
      down: fill(rank * dim, 0.5),
      up: fill(4 * rank, 1),
    });
  }
  const towers = o.xl ? (['text_encoder', 'text_encoder_2'] as const) : (['text_encoder'] as const);
  for (const graph of o.text === false ? [] : towers) {
    modules.push({
      module: TINY_TEXT_MODULE,
      graph,
      cin: textDim,
      cout: textDim,
      down: fill(rank * textDim, 0.3),
      up: fill(textDim * rank, 0.3),
    });
  }
  return { modules, rank, alpha: o.alpha ?? rank, xl: o.xl ?? false };
}

/** The LoRA as a .safetensors file, in kohya's names (with alpha) or diffusers/PEFT's (without: scale 1). */
export function tinyLoraFile(l: TinyLora, naming: 'kohya' | 'peft' = 'kohya'): Uint8Array {
  const t: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const m of l.modules) {
    const down = { dims: [l.rank, m.cin], data: m.down };
    const up = { dims: [m.cout, l.rank], data: m.up };
    if (naming === 'kohya') {
      const kohya = { unet: 'unet', text_encoder: l.xl ? 'te1' : 'te', text_encoder_2: 'te2' }[m.graph];
      const key = `lora_${kohya}_${m.module.replace(/\./g, '_')}`;
      t[`${key}.lora_down.weight`] = down;
      t[`${key}.lora_up.weight`] = up;
      t[`${key}.alpha`] = { dims: [], data: Float32Array.of(l.alpha) };
    } else {
      const prefix = m.graph;
      t[`${prefix}.${m.module}.lora_A.weight`] = down;
      t[`${prefix}.${m.module}.lora_B.weight`] = up;
    }
  }
  return writeSafetensors(t);
}

/**
 * A copy of the tiny model folder `dir` in `to` whose UNet and text encoder have the LoRAs merged into their
 * weights at these strengths (`kohya`: scaled by alpha/rank; PEFT files have no alpha, so scale 1).
 */
export async function mergedTinyModel(
  dir: string,
  to: string,
  loras: { lora: TinyLora; strength: number; naming?: 'kohya' | 'peft' }[],
): Promise<string> {
  await mkdir(to, { recursive: true });
  await cp(dir, to, { recursive: true });
  for (const graph of ['unet', 'text_encoder', 'text_encoder_2'] as const) {
    if (!loras.some(({ lora }) => lora.modules.some((m) => m.graph === graph))) continue;
    const path = join(to, graph, 'model.onnx');
    const updates = loras.flatMap(({ lora, strength, naming }) =>
      lora.modules
        .filter((m) => m.graph === graph)
        .map((m) => ({
          ...m,
          rank: lora.rank,
          scale: strength * ((naming ?? 'kohya') === 'kohya' ? lora.alpha / lora.rank : 1),
        })),
    );
    await writeFile(path, mergeIntoGraph(await readFile(path), updates));
  }
  return to;
}
