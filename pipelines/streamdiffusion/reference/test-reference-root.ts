import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import sharp from 'sharp';
import { referencesDir } from '../../../src/references/reference-images';
import { tempModelsDir } from '../../shared/test-models-dir';
import { tinyLora, tinyLoraFile } from '../tiny/test-lora';

/**
 * For a test file's top level: a models folder of its own (tempModelsDir) holding a tiny LoRA `style` in its
 * loras/ and a red picture `red.png` among its references. Answers the folder's path, known once the tests start.
 */
export function referenceRoot(prefix: string): () => string {
  const root = tempModelsDir(prefix);
  beforeAll(async () => {
    await mkdir(join(root(), 'loras'));
    await writeFile(join(root(), 'loras', 'style.safetensors'), tinyLoraFile(tinyLora(31)));
    await mkdir(referencesDir(root()), { recursive: true });
    const red = sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 230, g: 30, b: 20 } } });
    await writeFile(join(referencesDir(root()), 'red.png'), await red.png().toBuffer());
  });
  return root;
}
