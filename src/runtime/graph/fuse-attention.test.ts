import { describe, expect, it } from 'vitest';
import { buildExportBlock, BLOCK } from '../../../pipelines/streamdiffusion/standin/export-shapes';
import { FP16_TOLERANCE, maxRelativeError, pattern, runOnCpu } from './cpu-run';
import { fuseAttention } from './fuse-attention';
import { attr, decodeModel, encodeModel } from './onnx-model';
import type { Model } from './onnx-model';
import { ATTN, attentionBlock, attentionFeeds } from './test-attention-block';

const ops = (m: Model) => (m.graph!.node ?? []).map((n) => n.opType ?? '');
const count = (m: Model, op: string) => ops(m).filter((o) => o === op).length;

describe('attention fusion into MultiHeadAttention', () => {
  it.each([
    ['key-0231-mul', false],
    ['key-0231-mul', true],
    ['key-two-transposes-div', false],
    ['key-two-transposes-div', true],
    ['scale-on-query', true],
  ] as const)('fuses the %s form (cross %s) and matches the unfused graph on the CPU provider', async (form, cross) => {
    const bytes = attentionBlock(form, cross);
    const fused = fuseAttention(decodeModel(bytes));
    expect(count(fused, 'MultiHeadAttention')).toBe(1);
    // Nothing of the score path is left: no Softmax, no Transpose, only the four projections as MatMuls.
    expect(ops(fused).filter((o) => ['Softmax', 'Transpose', 'Reshape'].includes(o))).toEqual([]);
    expect(count(fused, 'MatMul')).toBe(4);
    const mha = fused.graph!.node!.find((n) => n.opType === 'MultiHeadAttention')!;
    expect(mha.domain).toBe('com.microsoft');
    expect(attr(mha, 'num_heads')).toBe(ATTN.heads);
    expect(attr(mha, 'scale')).toBeCloseTo(1 / Math.sqrt(ATTN.head), 6);
    const feeds = attentionFeeds(cross);
    const want = await runOnCpu(bytes, feeds);
    const got = await runOnCpu(encodeModel(fused), feeds);
    expect(want.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });

  it('leaves attention with a mask added to the scores, and attention whose probabilities are read elsewhere', () => {
    const masked = decodeModel(attentionBlock('masked', false));
    expect(fuseAttention(masked)).toBe(masked);
    const probs = decodeModel(attentionBlock('key-0231-mul', false, { probsOut: true }));
    expect(fuseAttention(probs)).toBe(probs);
  });

  it('fuses both attentions of the tiny UNet block (self and cross) and the block still computes the same', async () => {
    const bytes = buildExportBlock('webgpu-ready');
    const fused = fuseAttention(decodeModel(bytes));
    expect(count(fused, 'MultiHeadAttention')).toBe(2);
    expect(count(fused, 'Softmax')).toBe(0);
    const feeds = {
      sample: { dims: [1, 4, BLOCK.height, BLOCK.width], data: pattern(4 * BLOCK.height * BLOCK.width, 1) },
      encoder_hidden_states: { dims: [1, BLOCK.context, BLOCK.channels], data: pattern(BLOCK.context * 8, 2) },
    };
    // The block's timestep is int64; runOnCpu feeds floats only, so it is fixed here as a graph of its own would.
    const withStep = (m: Uint8Array) => pinTimestep(m);
    const want = await runOnCpu(withStep(bytes), feeds);
    const got = await runOnCpu(withStep(encodeModel(fused)), feeds);
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });
});

/** The timestep input made a constant (999), so the float-only CPU runner can feed the block. */
function pinTimestep(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes);
  const g = model.graph!;
  const step = { name: 'timestep', dims: [1], dataType: 7, int64Data: [999] };
  return encodeModel({
    ...model,
    graph: { ...g, input: g.input!.filter((i) => i.name !== 'timestep'), initializer: [...g.initializer!, step] },
  });
}
