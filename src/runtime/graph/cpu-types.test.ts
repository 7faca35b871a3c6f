/**
 * The CPU table's element types against onnxruntime-node 1.30 itself: a float16 graph runs on the CPU provider
 * (onnxruntime casts the nodes it has no float16 kernel for to float32), a bfloat16 one fails session creation, and
 * the op-set check says both before any session is made.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import type { ElemType } from '../graph-builder';
import { floatsToHalf, halfToFloats } from '../half';
import { FP16_TOLERANCE, maxRelativeError, pattern } from './cpu-run';
import { hasKernel, typesAt } from './kernel-table';
import { prepareModel } from './lowered-cache';
import { DataType, decodeModel, encodeModel } from './onnx-model';
import { checkModel, float32Sentence, refusalSentence } from './opset-check';
import { providerOps } from './provider-ops';

const C = 4;
const SHAPE = [1, C, 6, 6];
const size = SHAPE.reduce((a, b) => a * b, 1);

/** Float values rounded to float16, so the float32 and float16 graphs start from the same numbers. */
const halfRounded = (v: Float32Array) => halfToFloats(floatsToHalf(v));

/**
 * A UNet-like chain: Conv (+ bias) → InstanceNormalization → SiLU → + x → LayerNormalization over the width →
 * Softmax → Resize ×2; at float32 or float16, with the same (float16-rounded) weights.
 */
function chain(type: 'float' | 'float16'): Uint8Array {
  const g = new GraphBuilder(`chain_${type}`);
  const t = (name: string, dims: number[], values: Float32Array) =>
    type === 'float' ? g.floats(name, dims, halfRounded(values)) : g.halfs(name, dims, floatsToHalf(values));
  const x = g.input('x', type as ElemType, SHAPE);
  const conv = g.op(
    'Conv',
    [
      x,
      t(
        'w',
        [C, C, 3, 3],
        pattern(C * C * 9, 3).map((v) => v / 6),
      ),
      t('b', [C], pattern(C, 4)),
    ],
    {
      pads: [1, 1, 1, 1],
    },
  );
  const norm = g.op('InstanceNormalization', [conv, t('s', [C], pattern(C, 5)), t('beta', [C], pattern(C, 6))]);
  const silu = g.op('Mul', [norm, g.op('Sigmoid', [norm])]);
  const res = g.op('Add', [silu, x]);
  const ln = g.op('LayerNormalization', [res, t('g', [6], pattern(6, 7)), t('lb', [6], pattern(6, 8))], {
    axis: { int: -1 },
  });
  const soft = g.op('Softmax', [ln], { axis: { int: -1 } });
  const up = g.op('Resize', [soft, '', g.floats('scales', [4], [1, 1, 2, 2])], { mode: 'nearest' });
  g.output(up, 'y', type as ElemType, [1, C, 12, 12]);
  return g.toBytes();
}

/** The float32 chain at opset 22 with every float tensor declared bfloat16 (its initializers truncated to their top 16 bits). */
function bfloat16Chain(): Uint8Array {
  const model = decodeModel(chain('float'));
  // Opset 22: where Conv and InstanceNormalization first allow bfloat16, so the graph is valid ONNX.
  for (const o of model.opsetImport!) if (!o.domain) o.version = 22;
  const graph = model.graph!;
  for (const v of [...graph.input!, ...graph.output!]) v.type!.tensorType!.elemType = DataType.BFLOAT16;
  for (const init of graph.initializer!) {
    if (init.name === 'scales') continue;
    const f = new Float32Array(new Uint8Array(init.rawData!).buffer);
    const top = Uint16Array.from(new Uint32Array(f.buffer), (u) => u >>> 16);
    init.dataType = DataType.BFLOAT16;
    init.rawData = new Uint8Array(top.buffer);
  }
  return encodeModel(model);
}

async function run(bytes: Uint8Array, x: ort.Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  try {
    const out = (await session.run({ x }))[session.outputNames[0]!]!;
    return out.type === 'float16' ? halfToFloats(out.data as Uint16Array) : (out.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe('the CPU table’s element types (onnxruntime 1.30 registered kernels)', () => {
  it('say which ops the CPU provider has at float16: Conv and Add float only, LayerNormalization float16 too', () => {
    const { types, kernels } = providerOps('cpu');
    expect([...typesAt(types, '', 'Conv', 17)!]).toEqual(['float32']);
    expect(typesAt(types, '', 'Add', 17)!.has('float16')).toBe(false);
    expect(typesAt(types, '', 'LayerNormalization', 17)!.has('float16')).toBe(true);
    // Types are per opset range: Add 13 takes no int8, Add 14 does.
    expect(typesAt(types, '', 'Add', 13)!.has('int8')).toBe(false);
    expect(typesAt(types, '', 'Add', 14)!.has('int8')).toBe(true);
    // Where's input 0 (the condition) is not constrained by its kernels: no types kept, none checked.
    expect(hasKernel(kernels, '', 'Where', 16)).toBe(true);
    expect(typesAt(types, '', 'Where', 16)).toBeUndefined();
  });
});

describe('a float16 graph on the CPU provider', () => {
  const x32 = halfRounded(pattern(size, 1));

  it('runs: the check says which ops onnxruntime computes in float32, and the session agrees within fp16 rounding', async () => {
    const report = checkModel(decodeModel(chain('float16')), 'cpu');
    expect(report.runs).toBe(true);
    expect(refusalSentence(report)).toBeNull();
    const conv = report.ops.find((o) => o.op === 'Conv')!;
    expect(conv).toMatchObject({ fate: 'runs', types: ['float16'] });
    expect(conv.detail).toBe('cpu has Conv only for float32, not float16: computed in float32');
    expect(report.ops.find((o) => o.op === 'LayerNormalization')).toMatchObject({ fate: 'runs', detail: '' });
    expect(float32Sentence(report)).toBe(
      'On cpu, Add, Conv, InstanceNormalization, Mul, Resize, Sigmoid, Softmax have no float16 kernel: ' +
        'the graph is widened to float32 once when it loads.',
    );
    expect(float32Sentence(checkModel(decodeModel(chain('float16')), 'cpu', { lowering: false }))).toMatch(
      /onnxruntime casts to float32 and back around each of their nodes\.$/,
    );
    expect(float32Sentence(checkModel(decodeModel(chain('float')), 'cpu'))).toBeNull();

    const half = await run(chain('float16'), new ort.Tensor('float16', floatsToHalf(x32), SHAPE));
    const full = await run(chain('float'), new ort.Tensor('float32', x32, SHAPE));
    expect(half).toHaveLength(full.length);
    // onnxruntime keeps float32 between the nodes it casts; the float16 output rounds once (measured: 2^-12).
    expect(maxRelativeError(half, full)).toBeLessThan(FP16_TOLERANCE);
  });

  it('at bfloat16 is refused by the check with its sentence, as onnxruntime refuses to make the session', async () => {
    const bytes = bfloat16Chain();
    const report = checkModel(decodeModel(bytes), 'cpu', { file: 'unet.onnx' });
    expect(report.runs).toBe(false);
    expect(report.ops.find((o) => o.op === 'Conv')).toMatchObject({
      fate: 'refused',
      wrongTypes: ['bfloat16'],
      detail: 'cpu has Conv only for float32, not bfloat16',
    });
    const sentence = refusalSentence(report)!;
    expect(sentence).toBe(
      'unet.onnx cannot run on cpu: Add (×1), Conv (×1), InstanceNormalization (×1), Mul (×1), Resize (×1), ' +
        'Sigmoid (×1), Softmax (×1) have no kernel there at bfloat16; ' +
        "download or export the model's float32 variant.",
    );
    // No other provider is suggested: by the CUDA table (TensorRT's stops at opset 20, so all goes to CUDA beside
    // it) Resize has no bfloat16 kernel and InstanceNormalization none registered for opset 22.
    expect(
      checkModel(decodeModel(bytes), 'cuda')
        .ops.filter((o) => o.fate !== 'runs')
        .map((o) => `${o.op}: ${o.fate}`),
    ).toEqual(['InstanceNormalization: refused', 'Resize: refused']);
    // onnxruntime-node 1.30 agrees: no CPU kernel takes bfloat16 Conv, and it casts float16 only.
    await expect(ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] })).rejects.toThrow(
      /Could not find an implementation for \w+\(\d+\)/,
    );
  });

  it('inside a GPU session, falls back to the CPU only at a type the CPU takes or casts', () => {
    /** y = Pow(a, b) at `type`, opset 20 (the last CoreML's table covers; Pow takes bfloat16 since 13). */
    const pow = (type: number) => {
      const g = new GraphBuilder('pow', 20);
      g.output(g.op('Pow', [g.input('a', 'float', [2]), g.input('b', 'float', [2])]), 'y', 'float', [2]);
      const model = decodeModel(g.toBytes());
      for (const v of [...model.graph!.input!, ...model.graph!.output!]) v.type!.tensorType!.elemType = type;
      return model;
    };
    const entry = (type: number) => checkModel(pow(type), 'coreml').ops.find((o) => o.op === 'Pow')!;
    expect(entry(DataType.FLOAT16)).toMatchObject({
      fate: 'cpu-fallback',
      detail: 'coreml has Pow only for float32, not float16: runs on the CPU provider, in float32',
    });
    expect(entry(DataType.FLOAT16).inFloat32).toBeUndefined();
    expect(entry(DataType.BFLOAT16)).toMatchObject({
      fate: 'refused',
      wrongTypes: ['bfloat16'],
      detail:
        'coreml has Pow only for float32, not bfloat16, and the CPU provider has Pow only for float32, float64, int32, int64, not bfloat16',
    });
  });

  describe('at load', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cpu-types-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('widens the float16 file to float32 once (cached), which computes the same; refuses the bfloat16 one', async () => {
      const half = join(dir, 'half.onnx');
      const bf = join(dir, 'bf16.onnx');
      await writeFile(half, chain('float16'));
      await writeFile(bf, bfloat16Chain());
      const first = await prepareModel(half, 'cpu', { projectVersion: '1.0.0' });
      expect(first).toMatchObject({ lowered: true, fromCache: false });
      expect(await prepareModel(half, 'cpu', { projectVersion: '1.0.0' })).toMatchObject({
        path: first.path,
        fromCache: true,
      });
      // The copy still takes and gives float16 (what the pipelines feed), and its nodes compute in float32.
      const wide = decodeModel(await readFile(first.path));
      expect(wide.graph!.input![0]!.type!.tensorType!.elemType).toBe(DataType.FLOAT16);
      expect(wide.graph!.output![0]!.type!.tensorType!.elemType).toBe(DataType.FLOAT16);
      const conv = checkModel(wide, 'cpu').ops.find((o) => o.op === 'Conv')!;
      expect(conv).toMatchObject({ fate: 'runs', types: ['float32'], detail: '' });
      const x32 = halfRounded(pattern(size, 1));
      const widened = await run(await readFile(first.path), new ort.Tensor('float16', floatsToHalf(x32), SHAPE));
      const full = await run(chain('float'), new ort.Tensor('float32', x32, SHAPE));
      expect(maxRelativeError(widened, full)).toBeLessThan(FP16_TOLERANCE);
      // With lowering off, the file is opened as it is (onnxruntime casts around each node).
      expect(await prepareModel(half, 'cpu', { lowering: false })).toMatchObject({ path: half, lowered: false });

      await expect(prepareModel(bf, 'cpu')).rejects.toThrow(/bf16\.onnx cannot run on cpu: .*float32 variant/);
      expect((await readdir(dir)).filter((f) => f.startsWith('bf16'))).toEqual(['bf16.onnx']);
    });
  });
});
