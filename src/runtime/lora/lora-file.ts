/** A LoRA file read and checked: a safetensors file whose tensors hold at least one low-rank pair. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { loraPairs } from './lora-keys';
import type { LoraPair } from './lora-keys';
import { readSafetensors } from './safetensors';

export interface LoraFile {
  name: string;
  pairs: Map<string, LoraPair>;
}

/** The pairs of the file at `path`; throws one sentence, naming the file, when it is not a LoRA. */
export async function readLoraFile(path: string, name = basename(path)): Promise<LoraFile> {
  if (!path.endsWith('.safetensors')) throw new Error(`${name} is not a .safetensors file`);
  const bytes = await readFile(path);
  return checkLoraBytes(bytes, name);
}

/** The same for bytes already read. */
export function checkLoraBytes(bytes: Uint8Array, name: string): LoraFile {
  try {
    return { name, pairs: loraPairs(readSafetensors(bytes).tensors) };
  } catch (err) {
    throw new Error(`${name} is not a usable LoRA: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}
