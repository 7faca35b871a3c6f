import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import type { ElemType } from '../graph-builder';
import { logPlacement } from '../log-placement';
import { ortProviderName } from '../placement';
import { hasKernel } from './kernel-table';
import { providerOps } from './provider-ops';

/**
 * One graph holding one node of each probed ai.onnx op, every node fed from graph inputs of a symbolic size (so
 * nothing is constant-folded away) and every result a graph output (so nothing is dropped as dead).
 */
function probeGraph(opset: number): { bytes: Uint8Array; nodes: Map<string, string> } {
  const g = new GraphBuilder('webgpu_probe', opset);
  const x = g.input('x', 'float', ['n', 3]);
  const y = g.input('y', 'float', ['n', 3]);
  const b = g.input('b', 'float', ['n', 3]);
  const bx = g.op('Greater', [x, b]);
  const by = g.op('Less', [y, b]);
  const nodes = new Map<string, string>();
  const probe = (
    op: string,
    inputs: string[],
    type: ElemType | 'bool',
    attrs: Record<string, number[] | { int: number }> = {},
  ) => {
    const out = g.op(op, inputs, attrs);
    nodes.set(out, op);
    // GraphBuilder declares no bool outputs: those go out as uint8 through a Cast (not probed).
    if (type === 'bool') g.output(g.op('Cast', [out], { to: { int: 2 } }), `${out}_u8`, 'uint8', ['n', 3]);
    else g.output(out, out, type, ['n', 3]);
  };
  for (const op of ['Sign', 'Softplus', 'Softsign', 'Selu', 'Celu', 'HardSwish', 'Mish', 'Round', 'Neg', 'Abs'])
    probe(op, [x], 'float');
  probe('LogSoftmax', [x], 'float', { axis: { int: -1 } });
  for (const op of ['Max', 'Min', 'Sum', 'Mean', 'PRelu', 'Sub']) probe(op, [x, y], 'float');
  probe('Mod', [x, y], 'float', { fmod: { int: 1 } });
  for (const op of ['And', 'Or', 'Xor']) probe(op, [bx, by], 'bool');
  probe('Trilu', [x], 'float');
  probe('ConstantOfShape', [g.op('Shape', [x])], 'float');
  return { bytes: g.toBytes(), nodes };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-table-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// CI runs this on Mesa's lavapipe.
describe('the WebGPU table against onnxruntime-node 1.30', () => {
  it('says "has a kernel" exactly for the probed ops onnxruntime places on WebGPU', async () => {
    const opset = 18;
    const { bytes, nodes } = probeGraph(opset);
    const file = join(dir, 'probe.onnx');
    await writeFile(file, bytes);
    const placed = new Map((await logPlacement(file, ['webgpu', 'cpu'])).map((p) => [p.node, p.provider]));
    const table = providerOps('webgpu').kernels;
    const disagreements: string[] = [];
    const unseen: string[] = [];
    for (const [node, op] of nodes) {
      const provider = placed.get(node);
      // A function op without a kernel (Mish) is inlined into new nodes: the log no longer names it.
      if (!provider) unseen.push(op);
      else if ((provider === ortProviderName.webgpu) !== hasKernel(table, '', op, opset))
        disagreements.push(`${op}: on ${provider}`);
    }
    expect(disagreements).toEqual([]);
    expect(unseen).toEqual(['Mish']);
  }, 300_000);
});
