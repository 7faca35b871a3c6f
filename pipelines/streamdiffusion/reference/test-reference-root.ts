import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { referencesDir } from '../../../src/references/reference-images';
import { tinyLora, tinyLoraFile } from '../tiny/test-lora';

/**
 * A models folder for the reference tests, which DAYDREAM_SCOPE_MODELS_DIR points at until `done`: a tiny LoRA
 * `style` in its loras/ and a red picture `red.png` among its references. `done` puts the variable back and removes
 * the folder.
 */
export async function referenceRoot(prefix: string): Promise<{ root: string; done: () => Promise<void> }> {
  const saved = process.env.DAYDREAM_SCOPE_MODELS_DIR;
  const root = await mkdtemp(join(tmpdir(), prefix));
  process.env.DAYDREAM_SCOPE_MODELS_DIR = root;
  await mkdir(join(root, 'loras'));
  await writeFile(join(root, 'loras', 'style.safetensors'), tinyLoraFile(tinyLora(31)));
  await mkdir(referencesDir(root), { recursive: true });
  const red = sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 230, g: 30, b: 20 } } });
  await writeFile(join(referencesDir(root), 'red.png'), await red.png().toBuffer());
  const done = async () => {
    if (saved === undefined) delete process.env.DAYDREAM_SCOPE_MODELS_DIR;
    else process.env.DAYDREAM_SCOPE_MODELS_DIR = saved;
    await rm(root, { recursive: true, force: true });
  };
  return { root, done };
}
