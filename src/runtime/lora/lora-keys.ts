/**
 * The low-rank pairs of a LoRA file, whatever naming it uses, keyed by the module they change written with
 * underscores (`down_blocks_0_attn1_to_q`), the one form every naming can be brought to:
 * - kohya: `lora_unet_<module_with_underscores>.lora_down.weight` / `.lora_up.weight` / `.alpha`
 *   (`lora_te_`, `lora_te1_`, `lora_te2_` for the text encoders);
 * - diffusers/PEFT: `[unet.|text_encoder.|base_model.model.]<module.with.dots>.lora_A.weight` / `.lora_B.weight`
 *   (older diffusers: `.lora.down.weight` / `.lora.up.weight`), with an optional `.alpha`; Wan video LoRAs name
 *   the DiT `diffusion_model.<module>`.
 * Down is [rank, in], up is [out, rank], as torch stores them; the scale is alpha / rank (1 without an alpha).
 */
import type { FloatTensor } from './safetensors';

export interface LoraPair {
  down: FloatTensor;
  up: FloatTensor;
  /** alpha / rank: the factor the branch is multiplied by before the live strength. */
  scale: number;
}

const PARTS: [RegExp, 'down' | 'up' | 'alpha'][] = [
  [/\.lora_down\.weight$/, 'down'],
  [/\.lora_up\.weight$/, 'up'],
  [/\.lora_A\.(default\.)?weight$/, 'down'],
  [/\.lora_B\.(default\.)?weight$/, 'up'],
  [/\.lora\.down\.weight$/, 'down'],
  [/\.lora\.up\.weight$/, 'up'],
  [/\.alpha$/, 'alpha'],
];
const PREFIXES = [
  /^lora_(unet|te\d?)_/,
  /^base_model\.model\./,
  /^(unet|text_encoder(_\d)?|transformer|diffusion_model)\./,
];

/** A module path in the one form every naming can be brought to: dots as underscores, prefixes dropped. */
export function moduleKey(path: string): string {
  let p = path;
  for (const re of PREFIXES) p = p.replace(re, '');
  return p.replace(/\./g, '_');
}

/**
 * SDXL's second text encoder has the same module names as the first: its pairs (`lora_te2_`, `text_encoder_2.`)
 * are keyed with this prefix, and a graph opened as that encoder looks its modules up with it.
 */
export const SECOND_TEXT_ENCODER = 'te2:';

/** The pairs of a LoRA file's tensors, keyed by `moduleKey` (SECOND_TEXT_ENCODER before the second encoder's). */
export function loraPairs(tensors: Map<string, FloatTensor>): Map<string, LoraPair> {
  const parts = new Map<string, { down?: FloatTensor; up?: FloatTensor; alpha?: number }>();
  for (const [name, t] of tensors) {
    const hit = PARTS.find(([re]) => re.test(name));
    if (!hit) continue;
    const second = /^(lora_te2_|text_encoder_2\.)/.test(name) ? SECOND_TEXT_ENCODER : '';
    const key = second + moduleKey(name.replace(hit[0], ''));
    const p = parts.get(key) ?? {};
    if (hit[1] === 'alpha') p.alpha = t.data[0];
    else p[hit[1]] = t;
    parts.set(key, p);
  }
  const pairs = new Map<string, LoraPair>();
  let convolutions = 0;
  for (const [key, p] of parts) {
    if (!p.down || !p.up) throw new Error(`LoRA module ${key} has ${p.down ? 'no up' : 'no down'} matrix`);
    const rank = p.down.dims[0]!;
    // Convolution pairs (LoCon: [rank, in, k, k]) are left out: only MatMuls take branches.
    if (p.down.dims.length === 4 && p.up.dims.length === 4) {
      convolutions++;
      continue;
    }
    if (p.down.dims.length !== 2 || p.up.dims.length !== 2 || p.up.dims[1] !== rank) {
      throw new Error(`LoRA module ${key}: down [${p.down.dims}] and up [${p.up.dims}] are not a rank-${rank} pair`);
    }
    pairs.set(key, { down: p.down, up: p.up, scale: p.alpha === undefined ? 1 : p.alpha / rank });
  }
  if (pairs.size === 0 && convolutions > 0) {
    throw new Error(
      `it holds only convolution pairs (${convolutions}), which are not applied: only MatMuls take LoRAs`,
    );
  }
  if (pairs.size === 0) throw new Error('no LoRA pairs found (kohya lora_down/lora_up or PEFT lora_A/lora_B keys)');
  return pairs;
}
