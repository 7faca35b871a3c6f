/**
 * `npx tsx bench/interpolation.ts [--size 512] [--rounds 3] [--no-stand-in] [--device cpu|webgpu|cuda]` — what one
 * interpolated frame costs beside one rendered frame, measured side by side in one run on one provider (the
 * server's worker-thread runtime; the CPU unless --device says otherwise): the crossfade in JS, the tiny RIFE-class
 * graph, the full-size stand-in (RIFE's channels, random weights), the RGBA <-> planar conversions the graphs
 * include, and a neural-field render of the same size for scale.
 */
import { performance } from 'node:perf_hooks';
import { OrtRuntime } from '../src/runtime/ort';
import { OnnxInterpolator, fromPlanar, toPlanar } from '../src/engine/interpolation/onnx-interpolator';
import { blendInterpolator } from '../src/engine/interpolation/interpolator';
import { buildFieldNet } from '../pipelines/neural-field/graph';
import { FrameInputs } from '../pipelines/neural-field/frame-inputs';
import { LATENT_SIZE, fieldFeeds, fieldNetOptions, neuralField } from '../pipelines/neural-field/neural-field';
import { snapshotOf } from '../src/engine/snapshot';
import { median } from './stats';
import type { FrameInterpolator } from '../src/engine/interpolation/interpolator';
import type { Image } from '../src/engine/frame';
import { deviceRequestSchema } from '../src/runtime/providers';
import type { DeviceRequest } from '../src/runtime/providers';

export interface InterpolationResult {
  size: number;
  /** The provider the graphs ran on. */
  provider: string;
  /** Median milliseconds per frame, by what made it. */
  ms: Record<string, number>;
}

/** Times each way of making one in-between frame (median of `rounds`, after one warm-up each). */
export async function interpolationBench(o: {
  size: number;
  rounds: number;
  standIn: boolean;
  device?: DeviceRequest;
}) {
  const { size } = o;
  const runtime = new OrtRuntime({ device: o.device ?? 'cpu' });
  const provider = (await runtime.provider()).provider;
  const a = picture(size, 1);
  const b = picture(size, 2);
  const ways: [string, () => Promise<unknown>][] = [];
  ways.push(['neural-field render', await fieldRender(runtime, size)]);
  ways.push(['crossfade (JS)', () => blendInterpolator.between(a, b, [0.5])]);
  ways.push(['planar conversions (JS)', async () => [toPlanar(a), toPlanar(b), fromPlanar(toPlanar(a), size, size)]]);
  const graphs: [string, FrameInterpolator][] = [['tiny graph', new OnnxInterpolator({ runtime, model: 'tiny' })]];
  if (o.standIn) graphs.push(['stand-in graph', new OnnxInterpolator({ runtime, model: 'stand-in' })]);
  for (const [name, interp] of graphs) ways.push([name, () => interp.between(a, b, [0.5])]);
  const samples = new Map<string, number[]>(ways.map(([n]) => [n, []]));
  for (const [, run] of ways) await run();
  // Rounds alternate the ways, so load from elsewhere on the machine falls on all of them alike.
  for (let r = 0; r < o.rounds; r++) {
    for (const [name, run] of ways) {
      const t = performance.now();
      await run();
      samples.get(name)!.push(performance.now() - t);
    }
  }
  for (const [, interp] of graphs) await (interp as OnnxInterpolator).close();
  await runtime.close();
  const ms = Object.fromEntries([...samples].map(([n, s]) => [n, median(s)]));
  return { size, provider, ms } satisfies InterpolationResult;
}

/** Lines for the report: each way's time, over a render and over the crossfade, and the fps out at interpolate=2. */
export function formatInterpolation(r: InterpolationResult): string[] {
  const render = r.ms['neural-field render']!;
  const fade = r.ms['crossfade (JS)']!;
  const lines = [
    `frame interpolation at ${r.size}x${r.size} on ${r.provider}, median ms per frame (x render, x crossfade):`,
  ];
  for (const [name, ms] of Object.entries(r.ms)) {
    lines.push(
      `  ${name.padEnd(24)} ${ms.toFixed(2).padStart(9)} ms  ${(ms / render).toFixed(2).padStart(8)}x  ${(ms / fade).toFixed(1).padStart(8)}x`,
    );
  }
  for (const name of ['crossfade (JS)', 'tiny graph', 'stand-in graph']) {
    const ms = r.ms[name];
    if (ms === undefined) continue;
    // Interpolate=2: one render and one in-between per two frames out, done one after the other.
    lines.push(`  frames out per second at interpolate=2 with the ${name}: ${(2000 / (render + ms)).toFixed(1)}`);
  }
  return lines;
}

/** One neural-field frame through the same runtime, as the pipeline renders it. */
async function fieldRender(runtime: OrtRuntime, size: number): Promise<() => Promise<unknown>> {
  const params = snapshotOf(neuralField.params, { width: size, height: size });
  const session = await runtime.createSession(buildFieldNet(fieldNetOptions(size, size, params)));
  const inputs = new FrameInputs(params.seed, LATENT_SIZE);
  const feeds = fieldFeeds(inputs);
  let i = 0;
  return async () => {
    inputs.update(i++ / 30, params);
    await session.run(feeds);
  };
}

function picture(size: number, seed: number): Image {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    data[i * 4] = (i * 7 + seed * 31) % 256;
    data[i * 4 + 1] = ((i >> 9) + seed * 101) % 256;
    data[i * 4 + 2] = (i % 512) / 2 + seed;
    data[i * 4 + 3] = 255;
  }
  return { data, width: size, height: size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const result = await interpolationBench({
    size: Number(arg('size') ?? 512),
    rounds: Number(arg('rounds') ?? 3),
    standIn: !process.argv.includes('--no-stand-in'),
    device: deviceRequestSchema.parse(arg('device') ?? 'cpu'),
  });
  console.log(formatInterpolation(result).join('\n'));
}
