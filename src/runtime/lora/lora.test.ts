import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../graph-builder';
import { OrtRuntime } from '../ort';
import { applyLoras } from './apply-lora';
import { loraPairs } from './lora-keys';
import { readSafetensors } from './safetensors';
import { decodeModel, encodeModel } from '../graph/onnx-model';
import { floatsToHalf } from '../half';
import { writeSafetensors } from './test-safetensors';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
afterAll(() => runtime.close());

let seed = 5;
const random = (n: number) =>
  Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);

const Q = 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q';
const FF = 'down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2';
type Weights = Record<string, { dims: number[]; data: Float32Array }>;
const base: Weights = { [Q]: { dims: [4, 6], data: random(24) }, [FF]: { dims: [6, 3], data: random(18) } };

/** x [2, 4] -> MatMul (to_q) -> Relu -> MatMul (ff) -> y [2, 3], with `weights` as the two MatMul weights. */
function tinyGraph(weights: Weights): Uint8Array {
  const g = new GraphBuilder('tiny_lora_target');
  const x = g.input('x', 'float', [2, 4]);
  const q = g.op('MatMul', [x, g.floats(`${Q}.weight`, [4, 6], weights[Q]!.data)]);
  g.output(
    g.op('MatMul', [g.op('Relu', [q]), g.floats(`${FF}.weight`, [6, 3], weights[FF]!.data)]),
    'y',
    'float',
    [2, 3],
  );
  return g.toBytes();
}

/** A rank-2 LoRA for both modules: down [2, in], up [out, 2]. */
const pair = (cin: number, cout: number) => ({ down: random(2 * cin), up: random(cout * 2) });
const lora: Record<string, { down: Float32Array; up: Float32Array }> = { [Q]: pair(4, 6), [FF]: pair(6, 3) };

function kohyaFile(alpha: number): Uint8Array {
  const t: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const [mod, p] of Object.entries(lora)) {
    const key = `lora_unet_${mod.replace(/\./g, '_')}`;
    const [cout, cin] = [p.up.length / 2, p.down.length / 2];
    t[`${key}.lora_down.weight`] = { dims: [2, cin], data: p.down };
    t[`${key}.lora_up.weight`] = { dims: [cout, 2], data: p.up };
    t[`${key}.alpha`] = { dims: [], data: Float32Array.of(alpha) };
  }
  return writeSafetensors(t, { metadata: { ss_network_dim: '2' } });
}

function peftFile(): Uint8Array {
  const t: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (const [mod, p] of Object.entries(lora)) {
    const [cout, cin] = [p.up.length / 2, p.down.length / 2];
    t[`unet.${mod}.lora_A.weight`] = { dims: [2, cin], data: p.down };
    t[`unet.${mod}.lora_B.weight`] = { dims: [cout, 2], data: p.up };
  }
  return writeSafetensors(t);
}

/** W + scale · downᵀ · upᵀ, the merge in closed form, for both weights. */
function merged(scale: number): Weights {
  const out: Weights = {};
  for (const [mod, w] of Object.entries(base)) {
    const [cin, cout] = w.dims as [number, number];
    const { down, up } = lora[mod]!;
    const data = Float32Array.from(w.data);
    for (let i = 0; i < cin; i++)
      for (let o = 0; o < cout; o++)
        for (let r = 0; r < 2; r++) data[i * cout + o]! += scale * down[r * cin + i]! * up[o * 2 + r]!;
    out[mod] = { dims: w.dims, data };
  }
  return out;
}

const x = { type: 'float32', dims: [2, 4], data: random(8) };
const strength = (s: number) => ({ type: 'float32', dims: [], data: Float32Array.of(s) });
async function run(model: Uint8Array, feeds: Record<string, unknown> = {}): Promise<number[]> {
  const session = await runtime.createSession(model);
  const out = await session.run({ x, ...(feeds as Record<string, typeof x>) });
  await session.release();
  return [...(out.y!.data as Float32Array)];
}
const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));

describe('LoRA with a live strength', () => {
  it('kohya keys: strength 0 gives the base output exactly, 1 the weights merged with alpha/rank in closed form', async () => {
    const pairs = loraPairs(readSafetensors(kohyaFile(1)).tensors);
    const { model, matched } = applyLoras(tinyGraph(base), [{ name: 'k', pairs, strengthInput: 'lora_scale' }]);
    expect(matched).toEqual([2]);
    expect(await run(model, { lora_scale: strength(0) })).toEqual(await run(tinyGraph(base)));
    close(await run(model, { lora_scale: strength(1) }), await run(tinyGraph(merged(0.5))));
    // The strength is a feed: the same session follows it, at 0.6 as the merge at 0.6 · alpha/rank.
    close(await run(model, { lora_scale: strength(0.6) }), await run(tinyGraph(merged(0.3))));
  });

  it('diffusers/PEFT keys (no alpha: scale 1) reach the same modules', async () => {
    const pairs = loraPairs(readSafetensors(peftFile()).tensors);
    expect([...pairs.keys()].sort()).toEqual([FF, Q].map((m) => m.replace(/\./g, '_')).sort());
    const { model } = applyLoras(tinyGraph(base), [{ name: 'p', pairs, strengthInput: 'lora_scale' }]);
    close(await run(model, { lora_scale: strength(1) }), await run(tinyGraph(merged(1))));
  });

  it('two LoRAs at once, each with its own strength', async () => {
    const k = loraPairs(readSafetensors(kohyaFile(2)).tensors);
    const p = loraPairs(readSafetensors(peftFile()).tensors);
    const { model } = applyLoras(tinyGraph(base), [
      { name: 'k', pairs: k, strengthInput: 'lora_scale' },
      { name: 'p', pairs: p, strengthInput: 'lora_scale2' },
    ]);
    // Both are the same low-rank matrices (kohya at alpha/rank 1): 0.25 + 0.5 of it is the merge at 0.75.
    const out = await run(model, { lora_scale: strength(0.25), lora_scale2: strength(0.5) });
    close(out, await run(tinyGraph(merged(0.75))));
  });

  it("torch's exports: the module from the MatMul node's scope when the weight is a folded onnx::MatMul_ constant", async () => {
    const g = new GraphBuilder('torch_named');
    const xi = g.input('x', 'float', [2, 4]);
    g.output(g.op('MatMul', [xi, g.floats('onnx::MatMul_901', [4, 6], base[Q]!.data)]), 'y', 'float', [2, 6]);
    const m = decodeModel(g.toBytes());
    m.graph!.node![0]!.name = `/${Q.split('.').join('/')}/MatMul`;
    const pairs = loraPairs(readSafetensors(peftFile()).tensors);
    const { model, matched } = applyLoras(encodeModel(m), [{ name: 'p', pairs, strengthInput: 's' }], {
      requireMatch: false,
    });
    expect(matched).toEqual([1]);
    const session = await runtime.createSession(model);
    const out = await session.run({ x, s: strength(1) });
    await session.release();
    const w = merged(1)[Q]!.data;
    const xs = x.data;
    const want = Array.from({ length: 12 }, (_, k) => {
      const [r, c] = [Math.floor(k / 6), k % 6];
      return [0, 1, 2, 3].reduce((sum, i) => sum + xs[r * 4 + i]! * w[i * 6 + c]!, 0);
    });
    close([...(out.y!.data as Float32Array)], want);
  });

  it('a float16 graph gets float16 branches and its float strength cast once', async () => {
    const g = new GraphBuilder('half');
    const h = g.op('Cast', [g.input('x', 'float', [2, 4])], { to: { int: 10 } });
    const w = g.halfs(`${Q}.weight`, [4, 6], floatsToHalf(base[Q]!.data));
    g.output(g.op('Cast', [g.op('MatMul', [h, w])], { to: { int: 1 } }), 'y', 'float', [2, 6]);
    const pairs = loraPairs(readSafetensors(peftFile()).tensors);
    const { model } = applyLoras(g.toBytes(), [{ name: 'p', pairs, strengthInput: 's' }], { requireMatch: false });
    const run = async (s: number) => {
      const session = await runtime.createSession(model);
      const out = await session.run({ x, s: strength(s) });
      await session.release();
      return [...(out.y!.data as Float32Array)];
    };
    const [at0, at1] = [await run(0), await run(1)];
    const w1 = merged(1)[Q]!.data;
    at1.forEach((v, k) => {
      const [r, c] = [Math.floor(k / 6), k % 6];
      const want = [0, 1, 2, 3].reduce((sum, i) => sum + x.data[r * 4 + i]! * w1[i * 6 + c]!, 0);
      expect(Math.abs(v - want)).toBeLessThan(0.05);
    });
    expect(at0).not.toEqual(at1);
  });

  it('reads F16 tensors and the metadata of a safetensors file', () => {
    const bytes = writeSafetensors(
      { t: { dims: [3], data: Float32Array.of(0.5, -2, 1) } },
      { half: ['t'], metadata: { a: 'b' } },
    );
    const read = readSafetensors(bytes);
    expect([...read.tensors.get('t')!.data]).toEqual([0.5, -2, 1]);
    expect(read.metadata).toEqual({ a: 'b' });
  });

  it('refuses a header whose tensors share or skip bytes: a small file cannot claim memory it does not hold', () => {
    /** A safetensors file of `body` bytes whose header is `header`, hand-written as a crafted file would be. */
    const crafted = (header: Record<string, unknown>, body: number) => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + body);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    const t = (from: number, to: number) => ({ dtype: 'F32', shape: [(to - from) / 4], data_offsets: [from, to] });
    // A thousand names for the same megabyte would be read as a gigabyte of floats.
    const shared = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`lora_${i}.lora_down.weight`, t(0, 1 << 20)]),
    );
    expect(() => readSafetensors(crafted(shared, 1 << 20))).toThrow(/overlap/);
    expect(() => readSafetensors(crafted({ a: t(0, 8), b: t(4, 12) }, 12))).toThrow(/tensor "b" overlaps/);
    expect(() => readSafetensors(crafted({ a: t(0, 8), b: t(12, 16) }, 16))).toThrow(/leaves bytes 8 to 12 unused/);
    // In any order of the header, back to back from 0 to the end is the format, and is read.
    expect([...readSafetensors(crafted({ b: t(8, 16), a: t(0, 8) }, 16)).tensors.keys()].sort()).toEqual(['a', 'b']);
  });

  it('refuses what does not fit with a sentence', () => {
    const pairs = loraPairs(readSafetensors(kohyaFile(1)).tensors);
    const other = new GraphBuilder('other');
    other.output(
      other.op('MatMul', [other.input('x', 'float', [1, 4]), other.floats('unrelated.weight', [4, 2], random(8))]),
      'y',
      'float',
      [1, 2],
    );
    expect(() => applyLoras(other.toBytes(), [{ name: 'k.safetensors', pairs, strengthInput: 's' }])).toThrow(
      'LoRA k.safetensors matches no MatMul weight of this graph',
    );
    expect(() => readSafetensors(new Uint8Array([1, 2, 3]))).toThrow(/not a safetensors file/);
    expect(() => loraPairs(new Map())).toThrow(/no LoRA pairs found/);
    // Convolution pairs (LoCon) are left out; a file of nothing else is refused.
    const conv = (dims: number[]) => ({ dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
    const convOnly = new Map([
      ['lora_unet_conv_in.lora_down.weight', conv([2, 4, 3, 3])],
      ['lora_unet_conv_in.lora_up.weight', conv([8, 2, 1, 1])],
    ]);
    expect(() => loraPairs(convOnly)).toThrow('it holds only convolution pairs (1), which are not applied');
    const mixed = new Map([...convOnly, ...readSafetensors(kohyaFile(1)).tensors]);
    expect([...loraPairs(mixed).keys()].sort()).toEqual([FF, Q].map((m) => m.replace(/\./g, '_')).sort());
  });
});
