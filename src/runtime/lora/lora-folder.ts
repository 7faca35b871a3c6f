/**
 * The LoRA folder: `<models>/loras/*.safetensors`. A LoRA is chosen by its file name without the extension
 * (`detail-tweaker` for `detail-tweaker.safetensors`); names are plain file names, so a name from a request can
 * never reach outside the folder.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { modelsDir } from '../../files';
import { LORA_NAME } from '../../shared/loras';

export const LORA_EXTENSION = '.safetensors';
/** The choice that applies no LoRA. */
export const NO_LORA = 'none';
export { LORA_NAME };

export function loraDir(root = modelsDir()): string {
  return join(root, 'loras');
}

export interface LoraEntry {
  name: string;
  file: string;
  bytes: number;
}

/** The LoRAs in the folder, by name; an absent folder is an empty list. Read synchronously: it is one readdir. */
export function listLoras(root = modelsDir()): LoraEntry[] {
  const dir = loraDir(root);
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const entries: LoraEntry[] = [];
  for (const f of files.sort()) {
    const name = f.slice(0, -LORA_EXTENSION.length);
    // none.safetensors would be a second `none` among the choices, which means no LoRA.
    if (!f.endsWith(LORA_EXTENSION) || !LORA_NAME.test(name) || name === NO_LORA) continue;
    try {
      const s = statSync(join(dir, f));
      if (s.isFile()) entries.push({ name, file: join(dir, f), bytes: s.size });
    } catch {
      // gone between the listing and the stat: not there
    }
  }
  return entries;
}

/** `none` and the names in the folder: the choices of the `lora` parameters, read each time they are asked for. */
export function loraChoices(root?: string): string[] {
  return [NO_LORA, ...listLoras(root).map((e) => e.name)];
}

/** The file of a LoRA name; throws a sentence naming the folder and what it holds when there is none. */
export function loraFile(name: string, root = modelsDir()): string {
  const entry = listLoras(root).find((e) => e.name === name);
  if (!entry) {
    const have = listLoras(root).map((e) => e.name);
    throw new Error(
      `no LoRA "${name}" in ${loraDir(root)} (${have.length ? `it has ${have.join(', ')}` : 'it has none'}); ` +
        'install one with POST /api/v1/loras {"url": ...}',
    );
  }
  return entry.file;
}
