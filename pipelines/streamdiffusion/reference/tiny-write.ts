import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileExists, writeFileAtomic } from '../../../src/files';
import { tinyWeights } from '../tiny/graphs';
import { tinyDims } from '../tiny/write';
import { tinyVocab } from '../tiny/vocab';
import { buildTinyImageEncoder, buildTinyIpUnet, tinyIpWeights } from './tiny-graphs';
import { buildTinyControlIpUnet } from '../controlnet/tiny-controlnet';
import { CONTROL_IP_UNET_FILE } from './adapter-files';
import type { AdapterFiles } from './adapter-files';

/**
 * Writes the tiny (or tiny-xl) model's IP-Adapter (image_encoder/model.onnx, unet_ip/model.onnx, and for tiny the
 * UNet for a ControlNet and a reference at once, unet_controlnet_ip/model.onnx) in a
 * folder named by the graphs' hash, and answers where. The UNet's text branch has the tiny UNet's weights (seed 13,
 * as tiny/write.ts gives it), so the two agree at scale 0.
 */
export async function writeTinyIpAdapter(
  o: { xl?: boolean } = {},
  root = join(tmpdir(), 'daydream-scope-tiny'),
): Promise<AdapterFiles> {
  const vocabSize = Object.keys(tinyVocab().vocab).length;
  const xl = o.xl ?? false;
  // The UNet's context width: 32, or 16 + 16 for XL (tiny/write.ts).
  const dim = tinyDims(xl).reduce((a, b) => a + b, 0);
  const ip = tinyIpWeights(dim);
  const files: Record<string, Uint8Array> = {
    'image_encoder/model.onnx': buildTinyImageEncoder(ip),
    'unet_ip/model.onnx': buildTinyIpUnet(tinyWeights(vocabSize, dim, 13), ip, { xl }),
  };
  // The UNet for a ControlNet and a reference at once (ControlNet is for the SD layout only).
  if (!xl) files[CONTROL_IP_UNET_FILE] = buildTinyControlIpUnet(tinyWeights(vocabSize, dim, 13), ip);
  const hash = createHash('sha256');
  for (const [name, data] of Object.entries(files)) hash.update(name).update(data);
  const dir = join(root, `ip-${hash.digest('hex').slice(0, 16)}`);
  for (const [name, data] of Object.entries(files)) {
    const path = join(dir, name);
    if (!(await fileExists(path))) await writeFileAtomic(path, data);
  }
  return {
    encoder: join(dir, 'image_encoder', 'model.onnx'),
    unet: join(dir, 'unet_ip', 'model.onnx'),
    ...(xl ? {} : { controlUnet: join(dir, ...CONTROL_IP_UNET_FILE.split('/')) }),
  };
}
