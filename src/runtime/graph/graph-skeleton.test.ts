import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { withContribOps } from './contrib-graph';
import { readGraphSkeleton } from './graph-skeleton';
import { decodeModel } from './onnx-model';
import { inventory } from './opset-check';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skeleton-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readGraphSkeleton', () => {
  it('gives the nodes, opsets and inputs of a model without its weights, as a full decode does', async () => {
    const g = new GraphBuilder('skeleton');
    const x = g.input('x', 'float', [1, 1024]);
    // 4 MB of weights, which the skeleton never holds.
    const y = g.op('MatMul', [x, g.floats('w', [1024, 1024], new Float32Array(1024 * 1024))]);
    g.output(g.op('BiasSplitGelu', [y, g.floats('b', [1024], new Float32Array(1024))]), 'y', 'float', [1, 512]);
    const bytes = withContribOps(g.toBytes(), ['BiasSplitGelu']);
    const path = join(dir, 'model.onnx');
    await writeFile(path, bytes);

    const skeleton = await readGraphSkeleton(path);
    expect(skeleton.graph!.initializer ?? []).toHaveLength(0);
    expect(skeleton.graph!.input!.map((i) => i.name)).toEqual(['x']);
    expect(inventory(skeleton)).toEqual(inventory(decodeModel(bytes)));
    expect(inventory(skeleton).map((e) => `${e.domain}:${e.op}:${e.opset}`)).toEqual([
      ':Identity:17',
      ':MatMul:17',
      'com.microsoft:BiasSplitGelu:1',
    ]);
  });

  it('refuses a file that is not a model with a sentence', async () => {
    const path = join(dir, 'text.onnx');
    await writeFile(path, 'this is not protobuf at all, just words in a file');
    await expect(readGraphSkeleton(path)).rejects.toThrow(/^not an ONNX model/);
  });
});
