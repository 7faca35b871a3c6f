/**
 * The SD 2.x AutoencoderKL (block channels 128/256/512/512, 2 layers per block, 32 norm groups, one single-head
 * attention in the middle) and TAESD, as ONNX graphs with random weights. Names follow the diffusers exporter:
 * vae_decoder latent_sample -> sample, vae_encoder sample -> latent_sample; images in [-1, 1].
 */
import { Net } from './layers';
import type { NetOptions } from './layers';

const CHANNELS = [128, 256, 512, 512];

function resBlock(net: Net, x: string, name: string, cin: number, cout: number, h: number, w: number): string {
  let y = net.conv(net.silu(net.groupNorm(x, `${name}.norm1`, cin, h, w, 1e-6)), `${name}.conv1`, cin, cout);
  y = net.conv(net.silu(net.groupNorm(y, `${name}.norm2`, cout, h, w, 1e-6)), `${name}.conv2`, cout, cout);
  return net.add(cin === cout ? x : net.conv(x, `${name}.conv_shortcut`, cin, cout, 1), y);
}

/** The mid-block attention: one head over every pixel. */
function attention(net: Net, x: string, name: string, ch: number, h: number, w: number): string {
  const n = h * w;
  const tokens = net.transpose(
    net.reshape(net.groupNorm(x, `${name}.group_norm`, ch, h, w, 1e-6), [0, ch, n]),
    [0, 2, 1],
  );
  const [q, k, v] = ['to_q', 'to_k', 'to_v'].map((p) => net.linear(tokens, `${name}.${p}`, ch, ch));
  const out = net.linear(net.attention(q!, k!, v!, n, n, ch, 1), `${name}.to_out.0`, ch, ch);
  return net.add(net.reshape(net.transpose(out, [0, 2, 1]), [0, ch, h, w]), x);
}

function mid(net: Net, x: string, prefix: string, ch: number, h: number, w: number): string {
  x = resBlock(net, x, `${prefix}.mid_block.resnets.0`, ch, ch, h, w);
  x = attention(net, x, `${prefix}.mid_block.attentions.0`, ch, h, w);
  return resBlock(net, x, `${prefix}.mid_block.resnets.1`, ch, ch, h, w);
}

/** latent_sample [batch,4,h,w] -> sample [batch,3,8h,8w]. */
export function buildStandinVaeDecoder(o: NetOptions, h: number, w: number): { model: Uint8Array; params: number } {
  const net = new Net('sd21_vae_decoder', o);
  const z = net.input('latent_sample', ['batch', 4, h, w]);
  let x = net.conv(net.conv(z, 'post_quant_conv', 4, 4, 1), 'decoder.conv_in', 4, 512);
  let ch = 512;
  x = mid(net, x, 'decoder', ch, h, w);
  const reversed = [...CHANNELS].reverse();
  for (let up = 0; up < 4; up++) {
    const out = reversed[up]!;
    for (let j = 0; j < 3; j++) {
      x = resBlock(net, x, `decoder.up_blocks.${up}.resnets.${j}`, ch, out, h, w);
      ch = out;
    }
    if (up < 3) {
      [h, w] = [h * 2, w * 2];
      x = net.op('Resize', [x, '', net.g.floats(`decoder.up_blocks.${up}.scales`, [4], [1, 1, 2, 2])], {
        mode: 'nearest',
      });
      x = net.conv(x, `decoder.up_blocks.${up}.upsamplers.0.conv`, ch, ch);
    }
  }
  x = net.conv(net.silu(net.groupNorm(x, 'decoder.conv_norm_out', ch, h, w, 1e-6)), 'decoder.conv_out', ch, 3);
  net.output(x, 'sample', ['batch', 3, h, w]);
  return { model: net.g.toBytes(), params: net.params };
}

/** sample [batch,3,H,W] -> latent_sample [batch,4,H/8,W/8] (the mean of the posterior). */
export function buildStandinVaeEncoder(
  o: NetOptions,
  height: number,
  width: number,
): { model: Uint8Array; params: number } {
  const net = new Net('sd21_vae_encoder', o);
  const image = net.input('sample', ['batch', 3, height, width]);
  let x = net.conv(image, 'encoder.conv_in', 3, 128);
  let ch = 128;
  let [h, w] = [height, width];
  for (let level = 0; level < 4; level++) {
    const out = CHANNELS[level]!;
    for (let j = 0; j < 2; j++) {
      x = resBlock(net, x, `encoder.down_blocks.${level}.resnets.${j}`, ch, out, h, w);
      ch = out;
    }
    if (level < 3) {
      // diffusers pads (0, 1, 0, 1) before a stride-2 convolution without padding.
      x = net.op('Pad', [x, net.ints([0, 0, 0, 0, 0, 0, 1, 1])]);
      const weight = net.weight(`encoder.down_blocks.${level}.downsamplers.0.conv.weight`, [ch, ch, 3, 3], ch * 9);
      const bias = net.filled(`encoder.down_blocks.${level}.downsamplers.0.conv.bias`, [ch], 0);
      x = net.op('Conv', [x, weight, bias], { kernel_shape: [3, 3], strides: [2, 2] });
      [h, w] = [h / 2, w / 2];
    }
  }
  x = mid(net, x, 'encoder', ch, h, w);
  x = net.conv(net.silu(net.groupNorm(x, 'encoder.conv_norm_out', ch, h, w, 1e-6)), 'encoder.conv_out', ch, 8);
  const moments = net.conv(x, 'quant_conv', 8, 8, 1);
  const mean = net.op('Slice', [moments, net.ints([0]), net.ints([4]), net.ints([1])]);
  net.output(mean, 'latent_sample', ['batch', 4, h, w]);
  return { model: net.g.toBytes(), params: net.params };
}

/** TAESD's Block: three 3×3 convolutions with ReLUs and a skip, then ReLU. */
function taeBlock(net: Net, x: string, name: string, cin: number, cout: number): string {
  let y = net.relu(net.conv(x, `${name}.conv.0`, cin, cout));
  y = net.relu(net.conv(y, `${name}.conv.2`, cout, cout));
  y = net.conv(y, `${name}.conv.4`, cout, cout);
  const skip = cin === cout ? x : net.conv(x, `${name}.skip`, cin, cout, 1, 1, false);
  return net.relu(net.add(y, skip));
}

/**
 * TAESD decoder: clamp tanh(x/3)·3, conv, then three times [Block ×3, ×2 upsample, conv], Block, conv to RGB.
 * TAESD draws in [0, 1]; the stand-in maps that to [-1, 1], the range the pipeline reads every decoder in.
 */
export function buildStandinTaesdDecoder(o: NetOptions, h: number, w: number): { model: Uint8Array; params: number } {
  const net = new Net('taesd_decoder', o);
  const z = net.input('latent_sample', ['batch', 4, h, w]);
  let x = net.mul(net.op('Tanh', [net.mul(z, net.scalar(1 / 3))]), net.scalar(3));
  x = net.relu(net.conv(x, 'decoder.1', 4, 64));
  let layer = 3;
  for (let stage = 0; stage < 3; stage++) {
    for (let j = 0; j < 3; j++) x = taeBlock(net, x, `decoder.${layer++}`, 64, 64);
    x = net.op('Resize', [x, '', net.g.floats(`decoder.${layer++}.scales`, [4], [1, 1, 2, 2])], { mode: 'nearest' });
    x = net.conv(x, `decoder.${layer++}`, 64, 64, 3, 1, false);
  }
  x = taeBlock(net, x, `decoder.${layer++}`, 64, 64);
  x = net.conv(x, `decoder.${layer}`, 64, 3);
  net.output(net.add(net.mul(x, net.scalar(2)), net.scalar(-1)), 'sample', ['batch', 3, h * 8, w * 8]);
  return { model: net.g.toBytes(), params: net.params };
}

/** TAESD encoder: conv, Block, three times [stride-2 conv, Block ×3], conv to 4 latent channels. */
export function buildStandinTaesdEncoder(
  o: NetOptions,
  height: number,
  width: number,
): { model: Uint8Array; params: number } {
  const net = new Net('taesd_encoder', o);
  const image = net.input('sample', ['batch', 3, height, width]);
  // [-1, 1] in, as from every encoder here; TAESD wants [0, 1].
  let x = net.mul(net.add(image, net.scalar(1)), net.scalar(0.5));
  x = taeBlock(net, net.conv(x, 'encoder.0', 3, 64), 'encoder.1', 64, 64);
  let layer = 2;
  for (let stage = 0; stage < 3; stage++) {
    x = net.conv(x, `encoder.${layer++}`, 64, 64, 3, 2, false);
    for (let j = 0; j < 3; j++) x = taeBlock(net, x, `encoder.${layer++}`, 64, 64);
  }
  x = net.conv(x, `encoder.${layer}`, 64, 4);
  net.output(x, 'latent_sample', ['batch', 4, height / 8, width / 8]);
  return { model: net.g.toBytes(), params: net.params };
}
