import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModel, checkModelFile } from '../../src/runtime/graph/opset-check';
import type { OpsetReport } from '../../src/runtime/graph/opset-check';
import { decodeModel } from '../../src/runtime/graph/onnx-model';
import { buildDenoiseStep, buildFrameGather, buildRenoise, buildSlotWriter, buildZeros } from './graphs/device-ops';
import { buildTinyBlock } from './tiny/block';
import { buildTinyDecoder, buildTinyEncoder, buildTinyTextEncoder } from './tiny/codecs';
import { writeStandinExport } from './standin/write';
import { smallWan as small } from './standin/test-small-wan';

const providers = ['cpu', 'webgpu', 'cuda', 'dml'] as const;

/** Operators of a report that do not simply run: lowered, on the CPU, unchecked or refused. */
const notRunning = (r: OpsetReport) => r.ops.filter((o) => o.fate !== 'runs').map((o) => `${o.op}: ${o.fate}`);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ar-opset-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('ar-video graphs through the op-set check', () => {
  it.each(['float32', 'float16'] as const)(
    'the Wan-shaped stand-in export (%s): every file runs on CPU, WebGPU, CUDA and DirectML, the shape nodes on the CPU under WebGPU',
    async (dtype) => {
      const dir = await writeStandinExport(
        { shape: small, cache: { sinkFrames: 1, windowFrames: 4, blockFrames: 1 }, dtype, seed: 7 },
        root,
      );
      const files = (await readdir(dir)).filter((f) => f.endsWith('.onnx'));
      expect(files).toContain('block.onnx');
      for (const f of files) {
        for (const p of providers) {
          // The block's own-frame bias is ConstantOfShape of a shape computed by int64 Concat and Slice nodes: the
          // WebGPU provider of onnxruntime 1.30 has no ConstantOfShape and takes neither op at int64, so those five
          // small nodes run on the CPU in a WebGPU session (as its placement log says).
          const expected =
            f === 'block.onnx' && p === 'webgpu'
              ? ['Concat: cpu-fallback', 'ConstantOfShape: cpu-fallback', 'Slice: cpu-fallback']
              : [];
          expect([f, p, notRunning(await checkModelFile(join(dir, f), p))]).toEqual([f, p, expected]);
        }
      }
    },
    120_000,
  );

  it('the tiny block, codecs and device-op graphs run on every tabulated provider (zeros and a Cast on the CPU under WebGPU)', () => {
    const shape = { channels: 4, height: 4, width: 4, layers: 2, slots: 3, textLength: 4, textDim: 8 };
    const codec = { channels: 4, vocabSize: 16, textLength: 4, textDim: 8, height: 4, width: 4 };
    const graphs: Record<string, Uint8Array> = {
      block: buildTinyBlock(shape),
      'text encoder': buildTinyTextEncoder(codec),
      decoder: buildTinyDecoder(codec),
      encoder: buildTinyEncoder(codec, true),
      'slot writer': buildSlotWriter([{ name: 'k', inner: [4, 1, 2] }], 3, 'float16'),
      zeros: buildZeros([{ name: 'z', dims: [2, 2], type: 'float16' }]),
      'x0 step': buildDenoiseStep([4, 4, 4], 'float16'),
      're-noise': buildRenoise([4, 4, 4], 'float16'),
      'frame gather': buildFrameGather([4, 4, 4], 'float16'),
    };
    for (const [name, bytes] of Object.entries(graphs)) {
      for (const p of providers) {
        // The zeros graph is one ConstantOfShape per tensor: under WebGPU (onnxruntime 1.30) the zeros are made on
        // the CPU and copied up, once per cache initialisation.
        // The tiny block and the text encoder cast an int64 input, which WebGPU's Cast does not take (onnxruntime
        // 1.30 places those two Casts on the CPU, as its placement log says).
        const expected =
          p !== 'webgpu'
            ? []
            : name === 'zeros'
              ? ['ConstantOfShape: cpu-fallback']
              : name === 'block' || name === 'text encoder'
                ? ['Cast: cpu-fallback']
                : [];
        expect([name, p, notRunning(checkModel(decodeModel(bytes), p))]).toEqual([name, p, expected]);
      }
    }
  });
});
