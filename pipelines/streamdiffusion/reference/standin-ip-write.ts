/**
 * Writes the IP-Adapter of SD-Turbo's stand-in (standin-ip.ts) beside the stand-in model, in
 * `<stand-in>/ip-adapter/{image_encoder,unet_ip}/model.onnx` + model.onnx.data, and, when asked (a ControlNet is
 * loaded), `unet_controlnet_ip/`: the UNet with the ControlNet residual inputs and the IP-Adapter's. The files are
 * complete once ip-adapter.json lists them (written last, atomically), so a second call writes nothing.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/files';
import { buildStandinUnet } from '../standin/unet';
import { standinDefaults, standinName, writeNetwork } from '../standin/write';
import type { NetworkBuild, StandinOptions } from '../standin/write';
import { CONTROL_IP_UNET_FILE } from './adapter-files';
import type { AdapterFiles } from './adapter-files';
import { buildStandinImageEncoder, ipBranch } from './standin-ip';

const VERSION = 1;

/**
 * The IP-Adapter files of the stand-in `options` under `root`, written first if missing (the combined UNet only
 * with `controlnet`); `params` per network.
 */
export async function writeStandinIp(
  root: string,
  options: Partial<StandinOptions> & { controlnet?: boolean } = {},
  progress: (network: string, fraction: number) => void = () => {},
): Promise<AdapterFiles & { params: Record<string, number> }> {
  const { controlnet = false, ...rest } = options;
  const o = { ...standinDefaults, ...rest } satisfies StandinOptions;
  const dir = join(root, standinName(o), 'ip-adapter');
  const files: AdapterFiles = {
    encoder: join(dir, 'image_encoder', 'model.onnx'),
    unet: join(dir, 'unet_ip', 'model.onnx'),
    ...(controlnet ? { controlUnet: join(dir, ...CONTROL_IP_UNET_FILE.split('/')) } : {}),
  };
  const marker = join(dir, 'ip-adapter.json');
  const found = await readFile(marker, 'utf8').then(
    (text) => JSON.parse(text) as { version: number; params: Record<string, number> },
    () => undefined,
  );
  const params: Record<string, number> = found?.version === VERSION ? found.params : {};
  if (found?.version !== VERSION) await rm(dir, { recursive: true, force: true });
  const [lh, lw] = [o.height / 8, o.width / 8];
  // Each network keeps its place (and so its seed) in this list whichever of them a call writes.
  const networks: [string, NetworkBuild, boolean][] = [
    ['image_encoder', (n) => buildStandinImageEncoder(n), true],
    ['unet_ip', (n) => buildStandinUnet(n, lh, lw, { branch: ipBranch }), true],
    ['unet_controlnet_ip', (n) => buildStandinUnet(n, lh, lw, { controlnet: true, branch: ipBranch }), controlnet],
  ];
  const missing = networks.filter(([name, , wanted]) => wanted && params[name] === undefined);
  if (missing.length === 0) return { ...files, params };
  for (const [i, [name, build]] of networks.entries()) {
    if (!missing.some(([m]) => m === name)) continue;
    progress(name, missing.findIndex(([m]) => m === name) / missing.length);
    params[name] = await writeNetwork(join(dir, name), build, {
      half: o.half,
      weights: o.weights,
      seed: o.seed * 211 + i,
    });
  }
  await writeFileAtomic(marker, JSON.stringify({ version: VERSION, options: o, params }, null, 2));
  progress('done', 1);
  return { ...files, params };
}
