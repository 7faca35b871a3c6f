/**
 * A graph file with LoRA branches, written beside it once per combination: `<name>.lora-<key>.onnx`, where the key
 * hashes the graph file (path, size, time), each LoRA's bytes and its strength input, and this project's version. Beside it, because the
 * copy points at the graph's weights (inside it or in its external-data files) instead of copying them: only the
 * nodes and the LoRAs' small matrices are written.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readModelReferencingWeights } from '../graph/graph-skeleton';
import { version } from '../graph/lowered-cache';
import { encodeModel } from '../graph/onnx-model';
import { applyLoras, applyLorasToModel } from './apply-lora';
import type { LoraToApply } from './apply-lora';

export interface LoraModel {
  /** What to open: the copy's path, or the changed bytes for a model given as bytes. */
  model: string | Uint8Array;
  /** The strength inputs the graph has now (a LoRA that reached none of its MatMuls adds none). */
  strengthInputs: string[];
  /** MatMuls reached, per LoRA, in the order given. */
  matched: number[];
}

/** Where the branches go for these LoRAs; `hashes` are the LoRA files' contents hashed, in the same order. */
export async function withLoraBranches(
  model: string | Uint8Array,
  loras: readonly LoraToApply[],
  hashes: readonly string[],
  keyPrefix = '',
): Promise<LoraModel> {
  const inputsOf = (matched: number[]) => loras.filter((_, i) => matched[i]! > 0).map((l) => l.strengthInput);
  if (typeof model !== 'string') {
    const out = applyLoras(model, loras, { requireMatch: false, keyPrefix });
    return { model: out.model, strengthInputs: inputsOf(out.matched), matched: out.matched };
  }
  const s = await stat(model);
  const key = createHash('sha256').update(`${model}\0${s.size}\0${s.mtimeMs}\0${keyPrefix}\0${version()}`);
  loras.forEach((l, i) => key.update(`\0${l.strengthInput}\0${hashes[i]}`));
  const target = join(dirname(model), `${basename(model, '.onnx')}.lora-${key.digest('hex').slice(0, 16)}.onnx`);
  const known = `${target}.json`;
  try {
    const matched = JSON.parse(await readFile(known, 'utf8')) as number[];
    await stat(target);
    return { model: target, strengthInputs: inputsOf(matched), matched };
  } catch {
    // not written yet (or half): write it below
  }
  const { model: changed, matched } = applyLorasToModel(await readModelReferencingWeights(model), loras, {
    requireMatch: false,
    keyPrefix,
  });
  if (matched.every((n) => n === 0)) return { model, strengthInputs: [], matched };
  // Under a temporary name and renamed, so a crash mid-write never leaves a half file the next load trusts.
  const partial = `${target}.partial-${process.pid}`;
  await writeFile(partial, encodeModel(changed));
  await rename(partial, target);
  await writeFile(known, JSON.stringify(matched));
  return { model: target, strengthInputs: inputsOf(matched), matched };
}
