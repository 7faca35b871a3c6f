import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import type { ElemType } from '../graph-builder';
import { MS_DOMAIN } from './contrib-graph';
import { hasKernel, typesAt } from './kernel-table';
import { decodeModel } from './onnx-model';
import { checkModel } from './opset-check';
import { providerOps } from './provider-ops';

const cuda = providerOps('cuda');
const types = (op: string, opset: number, domain = '') => [...(typesAt(cuda.types, domain, op, opset) ?? [])];

/** One `op` node on inputs of `type` at `opset` (two inputs for a binary op), checked on CUDA. */
function fate(op: string, type: ElemType, opset = 17, inputs = 2) {
  const g = new GraphBuilder('cuda', opset);
  const x = Array.from({ length: inputs }, (_, i) => g.input(`x${i}`, type, [1, 2, 4, 4]));
  g.output(g.op(op, x), 'y', type, [1, 2, 4, 4]);
  return checkModel(decodeModel(g.toBytes()), 'cuda').ops.find((o) => o.op === op)!;
}

// Facts of the CUDA section of onnxruntime's OperatorKernels.md, not checked on a device (none here).
describe('the CUDA table', () => {
  it('states the types of the registered kernels: no integer Conv or MatMul, integer Add, ArgMax float only', () => {
    expect(types('Conv', 17)).toEqual(['float32', 'float16', 'float64']);
    expect(types('Conv', 22)).toContain('bfloat16');
    expect(types('MatMul', 17)).not.toContain('int32');
    expect(types('Add', 17)).toEqual(expect.arrayContaining(['int32', 'int64', 'uint8', 'bfloat16']));
    expect(types('Add', 12)).not.toContain('bfloat16');
    expect(types('ArgMax', 17)).toEqual(['float32', 'float16', 'float64']);
    expect(types('GatherND', 17)).not.toContain('int32');
    expect(types('Where', 17)).toContain('int64');
    expect(types('GroupQueryAttention', 1, MS_DOMAIN)).toEqual(['float16', 'bfloat16']);
    expect(types('GroupNorm', 1, MS_DOMAIN)).toEqual(['float32', 'float16']);
  });

  it('closes a kernel registered without an end at the next ONNX revision of its op: Cos 7-21, Shape 23', () => {
    expect(hasKernel(cuda.kernels, '', 'Cos', 21)).toBe(true);
    expect(hasKernel(cuda.kernels, '', 'Cos', 22)).toBe(false);
    expect(hasKernel(cuda.kernels, '', 'Shape', 23)).toBe(true);
    expect(hasKernel(cuda.kernels, '', 'Shape', 24)).toBe(false);
    // An op ONNX has not revised since keeps its open range.
    expect(hasKernel(cuda.kernels, '', 'Add', 26)).toBe(true);
  });

  it('reports an int64 Conv and an int32 MatMul on the CPU provider, an int64 Add on CUDA', () => {
    // The CPU provider has no int64 Conv either: refused, with the types.
    expect(fate('Conv', 'int64')).toMatchObject({ fate: 'refused', wrongTypes: ['int64'] });
    expect(fate('MatMul', 'int32')).toMatchObject({
      fate: 'cpu-fallback',
      wrongTypes: ['int32'],
      detail: 'cuda has MatMul only for float32, float16, bfloat16, float64, not int32: runs on the CPU provider',
    });
    expect(fate('Add', 'int64')).toMatchObject({ fate: 'runs', detail: '' });
    expect(fate('Conv', 'float16')).toMatchObject({ fate: 'runs', detail: '' });
  });
});
