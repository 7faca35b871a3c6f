import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { withContribOps } from './contrib-graph';
import { FP16_TOLERANCE, maxRelativeError, pattern, runOnCpu } from './cpu-run';
import { lowerGroupNorm, lowerSkipGroupNorm } from './lower-group-norm';
import { decodeModel, encodeModel } from './onnx-model';

const [N, H, W, C, G] = [2, 3, 4, 8, 4];
const gamma = pattern(C, 7);
const beta = pattern(C, 8);

/** GroupNorm as the contrib op, on an NHWC (or NCHW) input. */
function contribGraph(channelsLast: boolean, activation: number, skip: false | 'full' | 'nc', bias: boolean) {
  const g = new GraphBuilder('gn');
  const dims = channelsLast ? [N, H, W, C] : [N, C, H, W];
  const x = g.input('x', 'float', dims);
  const inputs = [x, g.floats('gamma', [C], gamma), g.floats('beta', [C], beta)];
  if (skip) inputs.push(g.input('skip', 'float', skip === 'full' ? dims : [N, C]));
  if (bias) inputs.push(g.floats('bias', [C], pattern(C, 9)));
  const attrs = {
    groups: { int: G },
    epsilon: 1e-5,
    activation: { int: activation },
    channels_last: { int: channelsLast ? 1 : 0 },
  };
  const y = g.op(skip ? 'SkipGroupNorm' : 'GroupNorm', inputs, attrs);
  g.output(y, 'y', 'float', dims);
  return withContribOps(g.toBytes(), ['GroupNorm', 'SkipGroupNorm']);
}

/** The same computation in plain operators, with the mean and variance spelled out (no InstanceNormalization). */
function referenceGraph(channelsLast: boolean, activation: number, skip: false | 'full' | 'nc', bias: boolean) {
  const g = new GraphBuilder('gn_ref');
  const dims = channelsLast ? [N, H, W, C] : [N, C, H, W];
  let x = g.input('x', 'float', dims);
  if (skip) {
    const s = g.input('skip', 'float', skip === 'full' ? dims : [N, C]);
    const s4 = skip === 'full' ? s : g.op('Reshape', [s, g.int64s('s4', channelsLast ? [N, 1, 1, C] : [N, C, 1, 1])]);
    x = g.op('Add', [x, s4]);
    if (bias) {
      const b = g.floats('bias', [C], pattern(C, 9));
      x = g.op('Add', [x, channelsLast ? b : g.op('Reshape', [b, g.int64s('b3', [C, 1, 1])])]);
    }
  }
  const nchw = channelsLast ? g.op('Transpose', [x], { perm: [0, 3, 1, 2] }) : x;
  const grouped = g.op('Reshape', [nchw, g.int64s('grouped', [N, G, (C / G) * H * W])]);
  const mean = g.op('ReduceMean', [grouped], { axes: [2], keepdims: { int: 1 } });
  const d = g.op('Sub', [grouped, mean]);
  const variance = g.op('ReduceMean', [g.op('Mul', [d, d])], { axes: [2], keepdims: { int: 1 } });
  const normed = g.op('Div', [d, g.op('Sqrt', [g.op('Add', [variance, g.scalar(1e-5)])])]);
  const back = g.op('Reshape', [normed, g.int64s('back', [N, C, H, W])]);
  let y = g.op('Add', [g.op('Mul', [back, g.floats('gamma', [C, 1, 1], gamma)]), g.floats('beta', [C, 1, 1], beta)]);
  if (activation === 1) y = g.op('Mul', [y, g.op('Sigmoid', [y])]);
  if (channelsLast) y = g.op('Transpose', [y], { perm: [0, 2, 3, 1] });
  g.output(y, 'y', 'float', dims);
  return g.toBytes();
}

const lower = (bytes: Uint8Array) => encodeModel(lowerSkipGroupNorm(lowerGroupNorm(decodeModel(bytes))));

describe('GroupNorm lowering', () => {
  it.each([
    ['NHWC, SiLU', true, 1],
    ['NHWC, no activation', true, 0],
    ['NCHW, SiLU', false, 1],
  ])('matches plain operators on the CPU provider: %s', async (_name, channelsLast, activation) => {
    const contrib = contribGraph(channelsLast, activation, false, false);
    // The contrib op itself has no CPU kernel: the unlowered graph cannot even be opened.
    await expect(runOnCpu(contrib, {})).rejects.toThrow(/GroupNorm/);
    const lowered = lower(contrib);
    expect(decodeModel(lowered).graph!.node!.some((n) => n.opType === 'GroupNorm')).toBe(false);
    const feeds = { x: { dims: channelsLast ? [N, H, W, C] : [N, C, H, W], data: pattern(N * H * W * C, 1) } };
    const got = await runOnCpu(lowered, feeds);
    const want = await runOnCpu(referenceGraph(channelsLast, activation, false, false), feeds);
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });

  it.each([
    ['full skip and bias', 'full', true],
    ['(N, C) skip, no bias', 'nc', false],
  ] as const)('SkipGroupNorm matches plain operators: %s', async (_name, skip, bias) => {
    const lowered = lower(contribGraph(true, 1, skip, bias));
    const feeds = {
      x: { dims: [N, H, W, C], data: pattern(N * H * W * C, 2) },
      skip: {
        dims: skip === 'full' ? [N, H, W, C] : [N, C],
        data: pattern(skip === 'full' ? N * H * W * C : N * C, 3),
      },
    };
    const got = await runOnCpu(lowered, feeds);
    const want = await runOnCpu(referenceGraph(true, 1, skip, bias), feeds);
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });
});
