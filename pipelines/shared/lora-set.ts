/** The LoRAs a pipeline's values choose, read from the LoRA folder and checked, ready to be applied at load. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ParamValues } from '../../src/params/spec';
import { NO_LORA, loraFile } from '../../src/runtime/lora/lora-folder';
import { checkLoraBytes } from '../../src/runtime/lora/lora-file';
import type { LoraToApply } from '../../src/runtime/lora/apply-lora';
import type { LoraSet } from '../../src/runtime/lora/lora-set';
import type { LoraStrengths } from '../../src/runtime/lora/strength-session';
import { loraSlots } from './lora-params';
import type { loraParams } from './lora-params';

export type LoraValues = ParamValues<typeof loraParams>;

/** The chosen names, slot by slot: what a change is told by. */
export const loraChoice = (values: LoraValues) => loraSlots.map((s) => values[s.name]).join('|');

/** Each slot's strength input set to its strength parameter. */
export function setLoraStrengths(strengths: LoraStrengths, values: LoraValues): void {
  for (const s of loraSlots) strengths.set(s.input, values[s.scale]);
}

/** The chosen LoRAs read and checked (a sentence naming the file when one is not a LoRA); undefined for none. */
export async function readLoraSet(
  values: LoraValues,
  root: string,
  strengths: LoraStrengths,
  log: (message: string) => void,
): Promise<LoraSet | undefined> {
  const list: LoraToApply[] = [];
  const hashes: string[] = [];
  for (const slot of loraSlots) {
    const name = values[slot.name];
    if (name === NO_LORA) continue;
    const bytes = await readFile(loraFile(name, root));
    list.push({ ...checkLoraBytes(bytes, `${name}.safetensors`), strengthInput: slot.input });
    hashes.push(createHash('sha256').update(bytes).digest('hex'));
  }
  if (list.length === 0) return undefined;
  const matched = (label: string, n: number[]) =>
    log(`${label}: ${list.map((l, i) => `${l.name} reaches ${n[i]} MatMuls`).join(', ')}`);
  return { list, hashes, strengths, matched };
}
