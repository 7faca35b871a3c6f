/**
 * npx tsx bench/fusions.ts [--quick] [--device cpu|webgpu|both]
 * Each graph timed with the load-time fusions on and off, side by side in one run, on the CPU provider and on
 * WebGPU when an adapter is there: the median per-run latency (outputs to the host) of each, and off / on (above 1:
 * the fused graph is faster). The graphs: the fusion tests' tiny ones, one transformer layer's pieces at SD-Turbo
 * 256² shape (1024 tokens, 320 channels, 5 heads of 64, a 77 × 1024 context), TAESD-like convolutions, and the
 * tiny UNet block. On a software adapter (lavapipe) the WebGPU figures say nothing about a GPU.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOCK, buildExportBlock } from '../pipelines/streamdiffusion/standin/export-shapes';
import { fuseModel, fusionNames, fusionsFor } from '../src/runtime/graph/fusions';
import { decodeModel, encodeModel } from '../src/runtime/graph/onnx-model';
import { pattern } from '../src/runtime/graph/cpu-run';
import { attentionBlock, attentionFeeds } from '../src/runtime/graph/test-attention-block';
import type { AttentionSize } from '../src/runtime/graph/test-attention-block';
import {
  biasAddGraph,
  convActivationGraph,
  gegluGraph,
  imageFeedsFor,
  skipLayerNormGraph,
  tokenFeedsFor,
} from '../src/runtime/graph/test-fusion-graphs';
import { OrtRuntime } from '../src/runtime/ort';
import type { PlainTensor } from '../src/runtime/tensor';
import { probeWebGpu } from '../src/runtime/webgpu-probe';
import { timeGraph } from './gpu-graphs';
import { fmt } from './stats';

interface Case {
  name: string;
  bytes: Uint8Array;
  feeds: Record<string, PlainTensor>;
}

const float = (f: Record<string, { dims: number[]; data: Float32Array }>) =>
  Object.fromEntries(Object.entries(f).map(([k, v]) => [k, { type: 'float32', dims: v.dims, data: v.data }]));

function cases(quick: boolean): Case[] {
  const sd: AttentionSize = { S: 1024, L: 77, heads: 5, head: 64, context: 1024 };
  const tokens = { S: 1024, C: 320 };
  const block = {
    sample: {
      type: 'float32',
      dims: [1, 4, BLOCK.height, BLOCK.width],
      data: pattern(4 * BLOCK.height * BLOCK.width, 1),
    },
    timestep: { type: 'int64', dims: [1], data: BigInt64Array.from([999n]) },
    encoder_hidden_states: {
      type: 'float32',
      dims: [1, BLOCK.context, BLOCK.channels],
      data: pattern(BLOCK.context * BLOCK.channels, 2),
    },
  };
  const out: Case[] = [
    { name: 'tiny self-attention', bytes: attentionBlock('key-0231-mul', false), feeds: float(attentionFeeds(false)) },
    { name: 'tiny UNet block', bytes: buildExportBlock('webgpu-ready'), feeds: block },
    {
      name: 'SD self-attention 1024 tok',
      bytes: attentionBlock('key-0231-mul', false, { size: sd }),
      feeds: float(attentionFeeds(false, sd)),
    },
    {
      name: 'SD cross-attention 1024x77',
      bytes: attentionBlock('key-0231-mul', true, { size: sd }),
      feeds: float(attentionFeeds(true, sd)),
    },
    { name: 'SD GEGLU 1024x320', bytes: gegluGraph('torch', tokens), feeds: float({ x: tokenFeedsFor(tokens).x }) },
    { name: 'SD bias+residual 1024x320', bytes: biasAddGraph(tokens), feeds: float(tokenFeedsFor(tokens)) },
    { name: 'SD add+LayerNorm 1024x320', bytes: skipLayerNormGraph(tokens), feeds: float(tokenFeedsFor(tokens)) },
    { name: 'conv+act 64ch 64x64', bytes: convActivationGraph(64, 64), feeds: float(imageFeedsFor(64)) },
  ];
  // Quick: the tiny graphs, the cheaper SD-shaped pieces and a smaller convolution (for a loaded 2-core machine).
  const small = { name: 'conv+act 32ch 32x32', bytes: convActivationGraph(32, 32), feeds: float(imageFeedsFor(32)) };
  return quick ? [...out.filter((c) => !/self-attention 1024|conv\+act 64/.test(c.name)), small] : out;
}

export interface FusionRow {
  graph: string;
  provider: 'cpu' | 'webgpu';
  fused: string[];
  offMs: number;
  onMs: number;
}

export async function fusionsBench(o: { quick: boolean; devices: ('cpu' | 'webgpu')[]; log: (m: string) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-fusions-'));
  const rows: FusionRow[] = [];
  try {
    for (const provider of o.devices) {
      const runtime =
        provider === 'cpu'
          ? new OrtRuntime({ device: 'cpu', worker: false })
          : new OrtRuntime({ device: 'webgpu', worker: false });
      try {
        for (const c of cases(o.quick)) {
          // Every fusion the provider has a kernel for, default or not: the figures are what decides the defaults.
          const all = Object.fromEntries(fusionNames.map((n) => [n, true]));
          const { model, applied } = fuseModel(decodeModel(c.bytes), provider, fusionsFor(provider, all));
          const off = join(dir, `${provider}-off.onnx`);
          const on = join(dir, `${provider}-on.onnx`);
          await writeFile(off, c.bytes);
          await writeFile(on, encodeModel(model));
          const opts = {
            runs: o.quick ? 5 : 20,
            seconds: o.quick ? 2 : 8,
            warmup: o.quick ? 1 : 2,
            pipelinedSeconds: 0.1,
          };
          // Off and on alternate twice so a machine that slows down part-way hurts both alike; the median of
          // the two medians is kept.
          const offs: number[] = [];
          const ons: number[] = [];
          for (let round = 0; round < 2; round++) {
            offs.push((await timeGraph(runtime, off, c.feeds, opts)).medianMs);
            ons.push((await timeGraph(runtime, on, c.feeds, opts)).medianMs);
          }
          const row = { graph: c.name, provider, fused: applied, offMs: mid(offs), onMs: mid(ons) };
          rows.push(row);
          o.log(
            `${provider.padEnd(6)} ${c.name.padEnd(28)} off ${fmt(row.offMs, 3).padStart(9)} ms  on ${fmt(row.onMs, 3).padStart(9)} ms  off/on ${fmt(row.offMs / row.onMs, 2)}  [${applied.join(', ') || 'nothing fused'}]`,
          );
        }
      } finally {
        await runtime.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

const mid = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// Run alone: npx tsx bench/fusions.ts [--quick] [--device cpu|webgpu|both]
if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const at = process.argv.indexOf('--device');
  const wanted = at > 0 ? process.argv[at + 1] : 'both';
  if (!['cpu', 'webgpu', 'both'].includes(wanted ?? '')) {
    console.error(`--device takes cpu, webgpu or both, not ${wanted}`);
    process.exit(2);
  }
  const devices: ('cpu' | 'webgpu')[] = wanted === 'both' ? ['cpu', 'webgpu'] : [wanted as 'cpu' | 'webgpu'];
  if (devices.includes('webgpu')) {
    const facts = await probeWebGpu();
    if (!facts.usable) {
      console.log(`no WebGPU adapter (${facts.reason}): CPU only`);
      devices.splice(devices.indexOf('webgpu'), 1);
    } else
      console.log(
        `WebGPU: ${facts.reason}${facts.adapter?.software ? ' (a software adapter: its timings say nothing about a GPU)' : ''}`,
      );
  }
  console.log(`fusions on against off, median ms per run (outputs to the host); off/on above 1 = fused faster`);
  await fusionsBench({ quick, devices, log: console.log });
}
