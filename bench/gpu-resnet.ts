/**
 * ResNet-50 (He et al. 2015, torchvision's layout: bottleneck blocks of 3, 4, 6, 3 with the stride on the 3×3
 * convolution) as an ONNX graph with random weights, batch norm folded into the convolutions' biases as inference
 * exports do. The GPU bench's second convolution graph beside the TAESD-shaped decoder, 1×3×512×512 in.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileExists, writeFileAtomic } from '../src/files';
import { WeightFile } from '../src/runtime/weight-file';
import { Net } from '../pipelines/streamdiffusion/standin/layers';

/** Writes `<dir>/model.onnx` (and its weights beside it) unless it is there already; returns the model's path. */
export async function writeResnet50(dir: string, size: number): Promise<string> {
  const path = join(dir, 'model.onnx');
  // model.onnx is written last, atomically, after its weights file is closed: its presence means a whole model.
  if (await fileExists(path)) return path;
  await mkdir(dir, { recursive: true });
  const file = new WeightFile(join(dir, 'model.onnx.data'));
  let model: Uint8Array;
  try {
    model = buildResnet50(new Net('resnet50', { half: false, weights: 'random', seed: 50, file }), size);
  } finally {
    file.close();
  }
  await writeFileAtomic(path, model);
  return path;
}

function buildResnet50(net: Net, size: number): Uint8Array {
  const x0 = net.input('image', [1, 3, size, size]);
  let x = net.relu(net.conv(x0, 'conv1', 3, 64, 7, 2));
  x = net.op('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let cin = 64;
  const stages: [number, number, number][] = [
    [64, 3, 1],
    [128, 4, 2],
    [256, 6, 2],
    [512, 3, 2],
  ];
  for (const [s, [width, blocks, stride]] of stages.entries()) {
    for (let b = 0; b < blocks; b++) {
      const name = `layer${s + 1}.${b}`;
      const st = b === 0 ? stride : 1;
      const cout = width * 4;
      let y = net.relu(net.conv(x, `${name}.conv1`, cin, width, 1));
      y = net.relu(net.conv(y, `${name}.conv2`, width, width, 3, st));
      y = net.conv(y, `${name}.conv3`, width, cout, 1);
      const skip = b === 0 ? net.conv(x, `${name}.downsample`, cin, cout, 1, st) : x;
      x = net.relu(net.add(y, skip));
      cin = cout;
    }
  }
  const pooled = net.reshape(net.op('GlobalAveragePool', [x]), [1, 2048]);
  net.output(net.linear(pooled, 'fc', 2048, 1000), 'logits', [1, 1000]);
  return net.g.toBytes();
}
