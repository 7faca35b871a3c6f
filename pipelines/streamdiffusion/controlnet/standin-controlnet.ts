/**
 * An SD 2.1 ControlNet (diffusers' ControlNetModel for the SD 2.1 UNet) as an ONNX graph with random weights, at
 * its real sizes and operators: the conditioning embedding (3 -> 16, then 16/32/96/256 with a stride-2 convolution
 * between levels, to 320 channels at latent size), added to conv_in's output; the UNet's down blocks and mid block;
 * a 1×1 convolution on each of the 12 skips and the mid block's output. Written beside the ControlNet UNet (the
 * stand-in UNet with residual inputs) into the stand-in's folder.
 */
import { join } from 'node:path';
import { fileExists } from '../../../src/files';
import { Net } from '../standin/layers';
import type { NetOptions } from '../standin/layers';
import { buildStandinUnet, CHANNELS, downAndMid, timeEmbedding } from '../standin/unet';
import { writeNetwork } from '../standin/write';
import type { NetworkBuild } from '../standin/write';
import { CONTROL_IMAGE, residualNames } from './residuals';
import { CONTROL_UNET_FILE, controlNetFile } from './manifests';

const EMBEDDING = [16, 32, 96, 256];

/** ControlNetConditioningEmbedding: the control image down to the latent size, 320 channels. */
function conditioningEmbedding(net: Net, image: string): string {
  const p = 'controlnet_cond_embedding';
  let x = net.silu(net.conv(image, `${p}.conv_in`, 3, EMBEDDING[0]!));
  for (let i = 0; i < EMBEDDING.length - 1; i++) {
    const [cin, cout] = [EMBEDDING[i]!, EMBEDDING[i + 1]!];
    x = net.silu(net.conv(x, `${p}.blocks.${2 * i}`, cin, cin));
    x = net.silu(net.conv(x, `${p}.blocks.${2 * i + 1}`, cin, cout, 3, 2));
  }
  return net.conv(x, `${p}.conv_out`, EMBEDDING.at(-1)!, CHANNELS[0]!);
}

/** The ControlNet for latents of `height × width`; returns the graph and its parameter count. */
export function buildStandinControlNet(
  o: NetOptions,
  height: number,
  width: number,
): { model: Uint8Array; params: number } {
  const net = new Net('sd21_controlnet', o);
  const sample = net.input('sample', ['batch', 4, height, width]);
  const t = net.input('timestep', ['batch']);
  const ehs = net.input('encoder_hidden_states', ['batch', 77, 1024]);
  const image = net.input(CONTROL_IMAGE, ['batch', 3, height * 8, width * 8]);
  const c = { net, temb: timeEmbedding(net, t), ehs };
  const embedded = net.add(net.conv(sample, 'conv_in', 4, CHANNELS[0]!), conditioningEmbedding(net, image));
  const { x, skips, ch, h, w } = downAndMid(c, embedded, height, width);
  skips.forEach((s, i) => {
    const r = net.conv(s.x, `controlnet_down_blocks.${i}`, s.ch, s.ch, 1);
    net.output(r, residualNames[i]!, ['batch', s.ch, s.h, s.w]);
  });
  net.output(net.conv(x, 'controlnet_mid_block', ch, ch, 1), 'mid_block', ['batch', ch, h, w]);
  return { model: net.g.toBytes(), params: net.params };
}

export interface StandinControlOptions {
  half: boolean;
  width: number;
  height: number;
  names: string[];
  weights?: NetOptions['weights'];
}

/**
 * Writes the ControlNet UNet and a stand-in ControlNet per name into `<standinDir>/controlnet-<size>` unless
 * there; returns that folder. Random weights: each ControlNet is the same network with other numbers.
 */
export async function writeStandinControlNets(
  standinDir: string,
  o: StandinControlOptions,
  progress: (stage: string, fraction: number) => void = () => {},
): Promise<string> {
  const weights = o.weights ?? 'random';
  const dir = join(standinDir, `controlnet-${o.width}x${o.height}${weights === 'zeros' ? '-zeros' : ''}`);
  const [lh, lw] = [o.height / 8, o.width / 8];
  const jobs: [string, NetworkBuild][] = [
    [CONTROL_UNET_FILE, (n) => buildStandinUnet(n, lh, lw, { controlnet: true })],
    ...o.names.map((name): [string, NetworkBuild] => [controlNetFile(name), (n) => buildStandinControlNet(n, lh, lw)]),
  ];
  for (const [i, [file, build]] of jobs.entries()) {
    const path = join(dir, ...file.split('/'));
    if (await fileExists(path)) continue;
    progress(`generating the stand-in ${file} (random weights, once)`, i / jobs.length);
    await writeNetwork(join(path, '..'), build, { half: o.half, weights, seed: 7001 + i * 13 + file.length });
  }
  return dir;
}
