/**
 * The LoRA parameters a pipeline declares (`lora`/`loraScale`, `lora2`/`loraScale2`, `lora3`/`loraScale3`): a name
 * from the LoRA folder, whose choices are read from the folder each time they are asked for (so one installed
 * while the server runs is a choice at once, and a name that is not there is refused when it is set), and a live
 * strength, fed to the graphs every frame.
 */
import { p } from '../../src/params/spec';
import type { EnumSpec, NumberSpec } from '../../src/params/spec';
import { NO_LORA, loraChoices } from '../../src/runtime/lora/lora-folder';

export const LORA_SLOTS = 3;

const group = { group: 'lora' } as const;

/** How a change of LoRA is carried out: graphs reopened while the show runs on, or the pipeline reloaded. */
export type LoraChange = 'live' | 'reload';

function loraName(slot: number, change: LoraChange): EnumSpec<string> {
  const spec = p.enum<string[]>(NO_LORA, [NO_LORA], {
    ...group,
    ...(change === 'reload' ? { mode: 'load' as const } : {}),
    label: slot === 1 ? 'LoRA' : `LoRA ${slot}`,
    description:
      change === 'live'
        ? 'A LoRA from the models folder’s loras/ (none: no LoRA); choosing one reopens the networks it changes ' +
          'with its branches while the show goes on with the graphs before'
        : 'A LoRA from the models folder’s loras/ (none: no LoRA); choosing one reloads the pipeline with its branches',
  });
  // The folder is the list: read when a value is checked or the schema is asked for, never cached.
  Object.defineProperty(spec, 'options', { get: () => loraChoices(), enumerable: true });
  return spec;
}

const loraScale = (slot: number): NumberSpec =>
  p.number(1, {
    ...group,
    min: -2,
    max: 2,
    smoothing: 0.05,
    label: slot === 1 ? 'LoRA strength' : `LoRA ${slot} strength`,
    description: '0: the base model; 1: the LoRA as trained; changes every frame without a reload',
  });

/** The six parameters, for a pipeline that changes LoRAs `live` or by a `reload`. */
export function loraParamsFor(change: LoraChange) {
  return {
    lora: loraName(1, change),
    loraScale: loraScale(1),
    lora2: loraName(2, change),
    loraScale2: loraScale(2),
    lora3: loraName(3, change),
    loraScale3: loraScale(3),
  };
}

export const loraParams = loraParamsFor('live');

/** The parameter names and graph strength input of each slot. */
export const loraSlots = [
  { name: 'lora', scale: 'loraScale', input: 'lora_scale' },
  { name: 'lora2', scale: 'loraScale2', input: 'lora_scale2' },
  { name: 'lora3', scale: 'loraScale3', input: 'lora_scale3' },
] as const;
