import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { withContribOps } from './contrib-graph';
import { pattern, runOnCpu } from './cpu-run';
import { prepareModel } from './lowered-cache';
import { lowerModel } from './lowerings';
import { decodeModel, encodeModel } from './onnx-model';
import { maxRelativeError } from './cpu-run';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowered-cache-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function groupNormModel(op = 'GroupNorm'): Uint8Array {
  const g = new GraphBuilder('gn');
  const x = g.input('x', 'float', [1, 2, 2, 4]);
  const y = g.op(op, [x, g.floats('gamma', [4], [1, 2, 3, 4]), g.floats('beta', [4], [0, 0, 1, 1])], {
    groups: { int: 2 },
    activation: { int: 0 },
  });
  g.output(y, 'y', 'float', [1, 2, 2, 4]);
  return withContribOps(g.toBytes(), ['GroupNorm']);
}

describe('prepareModel (lowering at load, cached beside the model)', () => {
  it('lowers once, and the second load opens the cached copy without writing it again', async () => {
    const model = join(dir, 'unet.onnx');
    await writeFile(model, groupNormModel());
    const first = await prepareModel(model, 'cpu', { projectVersion: '1.0.0' });
    expect(first).toMatchObject({ lowered: true, fromCache: false });
    expect(first.path).not.toBe(model);
    const written = (await stat(first.path)).mtimeMs;
    // The lowered copy runs where the original cannot.
    const out = await runOnCpu(await readFile(first.path), { x: { dims: [1, 2, 2, 4], data: pattern(16, 1) } });
    expect(out).toHaveLength(16);

    const second = await prepareModel(model, 'cpu', { projectVersion: '1.0.0' });
    expect(second).toMatchObject({ path: first.path, lowered: true, fromCache: true });
    expect((await stat(second.path)).mtimeMs).toBe(written);
    expect((await readdir(dir)).sort()).toEqual(['unet.onnx', first.path.split('/').pop()].sort());
  });

  it('keys the copy by provider and project version', async () => {
    const model = join(dir, 'unet.onnx');
    await writeFile(model, groupNormModel());
    const a = await prepareModel(model, 'cpu', { projectVersion: '1.0.0' });
    const b = await prepareModel(model, 'webgpu', { projectVersion: '1.0.0' });
    const c = await prepareModel(model, 'cpu', { projectVersion: '1.0.1' });
    expect(new Set([a.path, b.path, c.path]).size).toBe(3);
    expect([b.fromCache, c.fromCache]).toEqual([false, false]);
  });

  it('opens a file that needs nothing as it is, and refuses one that cannot run with its sentence', async () => {
    const g = new GraphBuilder('plain');
    g.output(g.op('Relu', [g.input('x', 'float', [4])]), 'y', 'float', [4]);
    const plain = join(dir, 'plain.onnx');
    await writeFile(plain, g.toBytes());
    expect(await prepareModel(plain, 'cpu')).toMatchObject({ path: plain, lowered: false });

    const model = join(dir, 'unet.onnx');
    await writeFile(model, groupNormModel());
    await expect(prepareModel(model, 'cpu', { lowering: false })).rejects.toThrow(
      /unet\.onnx cannot run on cpu: com\.microsoft\.GroupNorm \(×1\) has no kernel there/,
    );
    expect((await readdir(dir)).sort()).toEqual(['plain.onnx', 'unet.onnx']);
  });

  it('keeps the weights in the original file: the lowered copy references them by offset, and computes the same', async () => {
    const g = new GraphBuilder('big');
    const x = g.input('x', 'float', [1, 64, 4, 4]);
    // 64×64 float weights (16 kB) inside the graph file, as a single-file export keeps them.
    const conv = g.op('Conv', [x, g.floats('w', [64, 64, 1, 1], pattern(64 * 64, 5))]);
    const nhwc = g.op('Transpose', [conv], { perm: [0, 2, 3, 1] });
    const y = g.op(
      'GroupNorm',
      [nhwc, g.floats('gamma', [64], pattern(64, 6)), g.floats('beta', [64], pattern(64, 7))],
      {
        groups: { int: 8 },
        activation: { int: 1 },
      },
    );
    g.output(y, 'y', 'float', [1, 4, 4, 64]);
    const bytes = withContribOps(g.toBytes(), ['GroupNorm']);
    const model = join(dir, 'big.onnx');
    await writeFile(model, bytes);

    const prepared = await prepareModel(model, 'cpu');
    expect((await stat(model)).size).toBeGreaterThan(16 * 1024);
    expect((await stat(prepared.path)).size).toBeLessThan(4 * 1024);
    const feeds = { x: { dims: [1, 64, 4, 4], data: pattern(64 * 16, 8) } };
    const got = await runOnCpu(prepared.path, feeds);
    const whole = decodeModel(bytes);
    const want = await runOnCpu(encodeModel(lowerModel(whole, [{ domain: 'com.microsoft', op: 'GroupNorm' }])), feeds);
    expect(maxRelativeError(got, want)).toBe(0);
  });
});
