import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { withContribOps } from './contrib-graph';
import { FP16_TOLERANCE, maxRelativeError, pattern, runOnCpu } from './cpu-run';
import { lowerPackedAttention } from './lower-packed-attention';
import { decodeModel, encodeModel } from './onnx-model';
import { checkModel } from './opset-check';

const [B, S, L, N, H] = [1, 5, 3, 2, 4];
const D = N * H;

/** Picks part `j` of `parts` from a packed [B, len, N, parts, H] tensor, as [B, len, N·H]. */
function part(packed: Float32Array, len: number, parts: number, j: number): Float32Array {
  const out = new Float32Array(B * len * D);
  for (let t = 0; t < B * len; t++)
    for (let n = 0; n < N; n++)
      for (let h = 0; h < H; h++) out[t * D + n * H + h] = packed[((t * N + n) * parts + j) * H + h]!;
  return out;
}

function mha(opset: number, packed: 'qkv' | 'kv'): Uint8Array {
  const g = new GraphBuilder('packed', opset);
  const inputs =
    packed === 'qkv'
      ? [g.input('qkv', 'float', [B, S, N, 3, H])]
      : [g.input('q', 'float', [B, S, D]), g.input('kv', 'float', [B, L, N, 2, H])];
  g.output(g.op('MultiHeadAttention', inputs, { num_heads: { int: N } }), 'y', 'float', [B, S, D]);
  return withContribOps(g.toBytes(), ['MultiHeadAttention']);
}

/** The same attention with query, key and value as separate inputs: the form the CPU kernel takes. */
function separate(): Uint8Array {
  const g = new GraphBuilder('separate');
  const inputs = [
    g.input('q', 'float', [B, S, D]),
    g.input('k', 'float', [B, 'len', D]),
    g.input('v', 'float', [B, 'len', D]),
  ];
  g.output(g.op('MultiHeadAttention', inputs, { num_heads: { int: N } }), 'y', 'float', [B, S, D]);
  return withContribOps(g.toBytes(), ['MultiHeadAttention']);
}

describe('packed MultiHeadAttention lowering', () => {
  it.each([17, 18])('unpacks packed QKV into what the CPU kernel runs (opset %i)', async (opset) => {
    const contrib = mha(opset, 'qkv');
    expect(checkModel(decodeModel(contrib), 'cpu').ops.find((o) => o.op === 'MultiHeadAttention')).toMatchObject({
      form: 'packed QKV',
      fate: 'lowered',
    });
    const qkv = pattern(B * S * N * 3 * H, 1);
    const feeds = { qkv: { dims: [B, S, N, 3, H], data: qkv } };
    // The CPU kernel accepts the graph and refuses the packed form when it runs.
    await expect(runOnCpu(contrib, feeds)).rejects.toThrow(/Packed QKV/);
    const got = await runOnCpu(encodeModel(lowerPackedAttention(decodeModel(contrib))), feeds);
    const want = await runOnCpu(separate(), {
      q: { dims: [B, S, D], data: part(qkv, S, 3, 0) },
      k: { dims: [B, S, D], data: part(qkv, S, 3, 1) },
      v: { dims: [B, S, D], data: part(qkv, S, 3, 2) },
    });
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });

  it('unpacks packed KV (cross-attention) likewise', async () => {
    const contrib = mha(17, 'kv');
    const q = pattern(B * S * D, 2);
    const kv = pattern(B * L * N * 2 * H, 3);
    const feeds = { q: { dims: [B, S, D], data: q }, kv: { dims: [B, L, N, 2, H], data: kv } };
    await expect(runOnCpu(contrib, feeds)).rejects.toThrow(/Packed KV/);
    const got = await runOnCpu(encodeModel(lowerPackedAttention(decodeModel(contrib))), feeds);
    const want = await runOnCpu(separate(), {
      q: { dims: [B, S, D], data: q },
      k: { dims: [B, L, D], data: part(kv, L, 2, 0) },
      v: { dims: [B, L, D], data: part(kv, L, 2, 1) },
    });
    expect(maxRelativeError(got, want)).toBeLessThan(FP16_TOLERANCE);
  });

  it('is refused with lowering off, and left alone on CUDA, whose kernel takes packed inputs', () => {
    const model = decodeModel(mha(17, 'qkv'));
    expect(checkModel(model, 'cpu', { lowering: false }).runs).toBe(false);
    expect(checkModel(model, 'cuda').ops.find((o) => o.op === 'MultiHeadAttention')?.fate).toBe('runs');
  });
});
