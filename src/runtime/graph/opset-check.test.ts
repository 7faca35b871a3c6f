import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { MS_DOMAIN, withContribOps } from './contrib-graph';
import { hasKernel } from './kernel-table';
import { decodeModel, encodeModel } from './onnx-model';
import { checkModel, fallbackSentence, refusalSentence } from './opset-check';
import type { OpsetReport } from './opset-check';
import { providerOps } from './provider-ops';

/** Conv ×2, a GroupNorm (NHWC), and optionally an operator no onnxruntime build has. */
function graph(unknown: boolean) {
  const g = new GraphBuilder('check');
  let x = g.input('x', 'float', [1, 4, 8, 8]);
  x = g.op('Conv', [x, g.floats('w', [4, 4, 1, 1], new Array(16).fill(0.1))]);
  x = g.op('Conv', [x, 'w']);
  x = g.op('Transpose', [x], { perm: [0, 2, 3, 1] });
  x = g.op('GroupNorm', [x, g.floats('gamma', [4], [1, 1, 1, 1]), g.floats('beta', [4], [0, 0, 0, 0])], {
    groups: { int: 2 },
    activation: { int: 1 },
  });
  if (unknown) x = g.op('Frobnicate', [x]);
  g.output(x, 'y', 'float', [1, 8, 8, 4]);
  const model = decodeModel(withContribOps(g.toBytes(), ['GroupNorm']));
  if (unknown) for (const n of model.graph!.node!) if (n.opType === 'Frobnicate') n.domain = 'com.example';
  return decodeModel(encodeModel(model));
}

const fates = (r: OpsetReport) =>
  Object.fromEntries(r.ops.map((o) => [o.domain ? `${o.domain}.${o.op}` : o.op, o.fate]));

describe('provider tables', () => {
  it('say what onnxruntime 1.30 was found to do: no GroupNorm/NhwcConv on CPU or WebGPU, BiasSplitGelu on WebGPU only', () => {
    const [cpu, webgpu, cuda] = (['cpu', 'webgpu', 'cuda'] as const).map((p) => providerOps(p).kernels);
    for (const op of ['GroupNorm', 'SkipGroupNorm', 'NhwcConv']) {
      expect(hasKernel(cpu!, MS_DOMAIN, op, 1)).toBe(false);
      expect(hasKernel(webgpu!, MS_DOMAIN, op, 1)).toBe(false);
      expect(hasKernel(cuda!, MS_DOMAIN, op, 1)).toBe(true);
    }
    expect(hasKernel(webgpu!, MS_DOMAIN, 'BiasSplitGelu', 1)).toBe(true);
    expect(hasKernel(cpu!, MS_DOMAIN, 'BiasSplitGelu', 1)).toBe(false);
    expect(hasKernel(cpu!, MS_DOMAIN, 'MultiHeadAttention', 1)).toBe(true);
    // Ranges matter: Add exists from opset 7; opset 6 graphs have no CPU kernel for it.
    expect(hasKernel(cpu!, '', 'Add', 17)).toBe(true);
    expect(hasKernel(cpu!, '', 'Add', 6)).toBe(false);
  });
});

describe('checkModel', () => {
  it('counts each operator and gives its fate on the CPU: Conv runs, GroupNorm is lowered', () => {
    const report = checkModel(graph(false), 'cpu');
    expect(report.runs).toBe(true);
    expect(report.ops.find((o) => o.op === 'Conv')).toMatchObject({ count: 2, opset: 17, fate: 'runs' });
    expect(report.ops.find((o) => o.op === 'GroupNorm')).toMatchObject({
      domain: MS_DOMAIN,
      opset: 1,
      fate: 'lowered',
    });
    expect(refusalSentence(report)).toBeNull();
  });

  it('refuses an operator no provider has, with one sentence naming it', () => {
    const report = checkModel(graph(true), 'webgpu', { file: 'unet.onnx' });
    expect(report.runs).toBe(false);
    expect(fates(report)).toMatchObject({
      Conv: 'runs',
      'com.microsoft.GroupNorm': 'lowered',
      'com.example.Frobnicate': 'refused',
    });
    expect(refusalSentence(report)).toMatch(
      /^unet\.onnx cannot run on webgpu: com\.example\.Frobnicate \(×1\) has no kernel/,
    );
  });

  it('with lowering off, refuses GroupNorm and says what to do: lowering, another variant, or CUDA', () => {
    const report = checkModel(graph(false), 'cpu', { lowering: false });
    expect(fates(report)['com.microsoft.GroupNorm']).toBe('refused');
    const sentence = refusalSentence(report)!;
    expect(sentence).toContain('com.microsoft.GroupNorm (×1)');
    expect(sentence).toContain('turn lowering at load back on');
    expect(sentence).toContain('--device cuda');
  });

  it('says when an ai.onnx operator would fall back to the CPU inside a WebGPU session', () => {
    const g = new GraphBuilder('det');
    const det = g.op('Det', [g.input('x', 'float', [3, 3])]);
    g.output(g.op('Sqrt', [det]), 'y', 'float', []);
    const report = checkModel(decodeModel(g.toBytes()), 'webgpu');
    expect(report.runs).toBe(true);
    expect(fates(report)).toEqual({ Det: 'cpu-fallback', Sqrt: 'runs', Identity: 'runs' });
    expect(fallbackSentence(report)).toBe(
      'On webgpu, Det (×1) would run on the CPU provider, copying tensors each run.',
    );
  });

  it('lets Constant nodes run everywhere: onnxruntime makes them initializers when it loads the graph', () => {
    // torch.onnx.export writes Constant nodes; no provider registers a kernel for them, and none needs one.
    const g = new GraphBuilder('constant');
    const c = g.op('Constant', [], { value_float: 2 });
    g.output(g.op('Mul', [g.input('x', 'float', [2]), c]), 'y', 'float', [2]);
    for (const provider of ['cpu', 'webgpu', 'cuda', 'dml'] as const) {
      const report = checkModel(decodeModel(g.toBytes()), provider);
      expect(report.runs, provider).toBe(true);
      expect(report.ops.find((o) => o.op === 'Constant')).toMatchObject({ fate: 'runs' });
    }
  });

  it('checks TensorRT and CoreML by their tables: contrib operators to CUDA beside TensorRT, lowered for CoreML', () => {
    const trt = checkModel(graph(false), 'tensorrt');
    expect(fates(trt)).toEqual({
      Conv: 'runs',
      Transpose: 'runs',
      Identity: 'runs',
      'com.microsoft.GroupNorm': 'runs',
    });
    expect(trt.ops.find((o) => o.op === 'GroupNorm')?.detail).toBe('on cuda, beside tensorrt in the same session');
    expect(trt.source).toMatch(/onnx-tensorrt docs\/operators\.md @96e781103cfc/);
    expect(fates(checkModel(graph(false), 'coreml'))).toEqual({
      Conv: 'runs',
      Transpose: 'runs',
      Identity: 'runs',
      'com.microsoft.GroupNorm': 'lowered',
    });
    // An operator in a domain no onnxruntime build has is still refused.
    expect(checkModel(graph(true), 'coreml').runs).toBe(false);
  });

  it('checks the element types the TensorRT and CoreML sources state', () => {
    /** y = op(a, b) at element type `type`. */
    const binary = (op: string, type: 'float' | 'float16' | 'int32' | 'int64') => {
      const g = new GraphBuilder('typed');
      g.output(g.op(op, [g.input('a', type, [2, 2]), g.input('b', type, [2, 2])]), 'y', type, [2, 2]);
      return decodeModel(g.toBytes());
    };
    const entry = (r: OpsetReport, op: string) => r.ops.find((o) => o.op === op)!;
    // CoreML's Pow takes float only (its note: both inputs float32); float16 goes to the CPU provider.
    expect(entry(checkModel(binary('Pow', 'float'), 'coreml'), 'Pow').fate).toBe('runs');
    expect(entry(checkModel(binary('Pow', 'float16'), 'coreml'), 'Pow')).toMatchObject({
      fate: 'cpu-fallback',
      types: ['float16'],
      // The CPU provider has no float16 Pow either: onnxruntime casts it to float32 there.
      detail: 'coreml has Pow only for float32, not float16: runs on the CPU provider, in float32',
    });
    // Its base op builder takes float or float16 (ML Program), not integers.
    expect(entry(checkModel(binary('Add', 'float16'), 'coreml'), 'Add').fate).toBe('runs');
    expect(entry(checkModel(binary('Add', 'int64'), 'coreml'), 'Add').fate).toBe('cpu-fallback');
    // TensorRT's MatMul is FP32, FP16, BF16, CUDA's also float64: a float64 MatMul goes to the CUDA provider beside
    // TensorRT; an int32 one to the CPU provider, as neither GPU provider takes it.
    expect(entry(checkModel(binary('MatMul', 'float16'), 'tensorrt'), 'MatMul')).toMatchObject({
      fate: 'runs',
      detail: '',
    });
    const float64 = binary('MatMul', 'float');
    for (const v of [...float64.graph!.input!, ...float64.graph!.output!]) v.type!.tensorType!.elemType = 11;
    expect(entry(checkModel(float64, 'tensorrt'), 'MatMul')).toMatchObject({
      fate: 'runs',
      detail: 'on cuda, beside tensorrt in the same session',
    });
    expect(entry(checkModel(binary('MatMul', 'int32'), 'tensorrt'), 'MatMul')).toMatchObject({
      fate: 'cpu-fallback',
      wrongTypes: ['int32'],
      detail: 'tensorrt has MatMul only for float32, float16, bfloat16, not int32: runs on the CPU provider',
    });
  });

  it('checks the element types of the WebGPU table: a node at a type WebGPU lacks falls back to the CPU, with its type', () => {
    /** Add at float32 and at int64, a Where picking int64 values, and a float64 Conv, at `opset`. */
    const mixed = (opset = 17) => {
      const g = new GraphBuilder('mixed', opset);
      g.output(g.op('Add', [g.input('a', 'float', [2]), g.input('b', 'float', [2])]), 'y', 'float', [2]);
      const i = g.input('i', 'int64', [2]);
      g.output(g.op('Add', [i, i]), 'j', 'int64', [2]);
      g.output(g.op('Add', [i, g.op('Add', [i, i])]), 'k', 'int64', [2]);
      const c = g.op('Greater', ['a', 'b']);
      g.output(g.op('Where', [c, i, i]), 'w', 'int64', [2]);
      g.output(g.op('Sin', ['a']), 's', 'float', [2]);
      return decodeModel(g.toBytes());
    };
    const report = checkModel(mixed(), 'webgpu');
    const adds = report.ops.filter((o) => o.op === 'Add');
    expect(adds.map((o) => [o.types, o.count, o.fate])).toEqual([
      [['float32'], 1, 'runs'],
      [['int64'], 3, 'cpu-fallback'],
    ]);
    expect(adds[1]).toMatchObject({
      wrongTypes: ['int64'],
      detail: 'webgpu has Add only for float32, float16, int32, uint32, not int64: runs on the CPU provider',
    });
    // Where's kernels are chosen by the values it picks (input 1), not its bool condition.
    expect(report.ops.find((o) => o.op === 'Where')).toMatchObject({ types: ['int64'], fate: 'cpu-fallback' });
    expect(report.runs).toBe(true);
    expect(fallbackSentence(report)).toBe(
      'On webgpu, Add at int64 (×3), Where at int64 (×1) would run on the CPU provider, copying tensors each run.',
    );
    // onnxruntime matches a kernel registered without an end only to its own since-version: ONNX revised Sin at 22.
    expect(fates(checkModel(mixed(21), 'webgpu')).Sin).toBe('runs');
    expect(fates(checkModel(mixed(22), 'webgpu')).Sin).toBe('cpu-fallback');
    // The CPU provider takes all of these types: no fallback, nothing refused.
    expect(checkModel(mixed(), 'cpu').ops.every((o) => o.fate === 'runs')).toBe(true);
  });
});
