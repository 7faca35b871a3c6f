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
    graph: 'unet' | 'text_encoder';
    cin: number;
    cout: number;
    down: Float32Array;
    up: Float32Array;
  }[];
  rank: number;
  alpha: number;
}

/** A rank-2 LoRA for the tiny SD graphs (text width 32): the UNet's text projection and the text encoder's. */
export function tinyLora(
  seed: number,
  o: { unet?: boolean; text?: boolean; alpha?: number; dim?: number } = {},
): TinyLora {
  const randn = gaussian(mulberry32(seed));
  const dim = o.dim ?? 32;
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
  if (o.text ?? true) {
    modules.push({
      module: TINY_TEXT_MODULE,
      graph: 'text_encoder',
      cin: dim,
      cout: dim,
      down: fill(rank * dim, 0.3),
      up: fill(dim * rank, 0.3),
    });
  }
  return { modules, rank, alpha: o.alpha ?? rank };
}

/** The LoRA as a .safetensors file, in kohya's names (with alpha) or diffusers/PEFT's (without: scale 1). */
export function tinyLoraFile(l: TinyLora, naming: 'kohya' | 'peft' = 'kohya'): Uint8Array {
  const t: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const m of l.modules) {
    const down = { dims: [l.rank, m.cin], data: m.down };
    const up = { dims: [m.cout, l.rank], data: m.up };
    if (naming === 'kohya') {
      const key = `lora_${m.graph === 'unet' ? 'unet' : 'te'}_${m.module.replace(/\./g, '_')}`;
      t[`${key}.lora_down.weight`] = down;
      t[`${key}.lora_up.weight`] = up;
      t[`${key}.alpha`] = { dims: [], data: Float32Array.of(l.alpha) };
    } else {
      const prefix = m.graph === 'unet' ? 'unet' : 'text_encoder';
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
  for (const graph of ['unet', 'text_encoder'] as const) {
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
