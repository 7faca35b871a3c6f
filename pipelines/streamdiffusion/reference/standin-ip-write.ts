/**
 * Writes the IP-Adapter of SD-Turbo's stand-in (standin-ip.ts) beside the stand-in model, in
 * `<stand-in>/ip-adapter/{image_encoder,unet_ip}/model.onnx` + model.onnx.data; complete once ip-adapter.json is
 * written (last, atomically), so a second call writes nothing.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/files';
import { WeightFile } from '../../../src/runtime/weight-file';
import type { NetOptions } from '../standin/layers';
import { buildStandinUnet } from '../standin/unet';
import { standinName } from '../standin/write';
import type { StandinOptions } from '../standin/write';
import type { AdapterFiles } from './adapter-files';
import { buildStandinImageEncoder, ipBranch } from './standin-ip';

const VERSION = 1;
const defaults: StandinOptions = {
  family: 'sd-turbo',
  half: true,
  width: 512,
  height: 512,
  weights: 'random',
  seed: 1,
};

/** The IP-Adapter files of the stand-in `options` under `root`, written first if missing; `params` per network. */
export async function writeStandinIp(
  root: string,
  options: Partial<StandinOptions> = {},
  progress: (network: string, fraction: number) => void = () => {},
): Promise<AdapterFiles & { params: Record<string, number> }> {
  const o = { ...defaults, ...options } satisfies StandinOptions;
  const dir = join(root, standinName(o), 'ip-adapter');
  const files = { encoder: join(dir, 'image_encoder', 'model.onnx'), unet: join(dir, 'unet_ip', 'model.onnx') };
  const marker = join(dir, 'ip-adapter.json');
  const found = await readFile(marker, 'utf8').then(
    (text) => JSON.parse(text) as { version: number; params: Record<string, number> },
    () => undefined,
  );
  if (found?.version === VERSION) return { ...files, params: found.params };
  await rm(dir, { recursive: true, force: true });
  const [lh, lw] = [o.height / 8, o.width / 8];
  const networks: [string, (n: NetOptions) => { model: Uint8Array; params: number }][] = [
    ['image_encoder', (n) => buildStandinImageEncoder(n)],
    ['unet_ip', (n) => buildStandinUnet(n, lh, lw, { branch: ipBranch })],
  ];
  const params: Record<string, number> = {};
  for (const [i, [name, build]] of networks.entries()) {
    progress(name, i / networks.length);
    const folder = join(dir, name);
    await mkdir(folder, { recursive: true });
    const file = new WeightFile(join(folder, 'model.onnx.data'));
    let built: { model: Uint8Array; params: number };
    try {
      built = build({ half: o.half, weights: o.weights, seed: o.seed * 211 + i, file });
    } finally {
      file.close();
    }
    await writeFileAtomic(join(folder, 'model.onnx'), built.model);
    params[name] = built.params;
  }
  await writeFileAtomic(marker, JSON.stringify({ version: VERSION, options: o, params }, null, 2));
  progress('done', 1);
  return { ...files, params };
}
