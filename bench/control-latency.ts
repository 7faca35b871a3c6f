import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { encodeMessage } from '../control/osc/codec';
import type { OscArg } from '../control/osc/codec';
import type { Scope } from '../src/main';
import { liveScope } from './scope';
import type { Frame } from '../src/engine/frame';
import { percentile, sleep } from './stats';
import type { SurfaceLatency } from '../src/shared/latency';

export interface LatencyResult {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  renderP50: number;
  intervalMs: number;
  /** What the server itself measured for the same changes (GET /api/v1/stats under `latency`). */
  live: SurfaceLatency;
}

/** How a bench client sends a parameter change to the server. */
export type Transport = 'ws' | 'osc';

interface Sender {
  set(params: Record<string, unknown>): void;
  close(): void;
}

async function wsSender(scope: Scope): Promise<Sender> {
  const ws = new WebSocket(`${scope.url.replace('http', 'ws')}/ws`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    set: (params) => ws.send(JSON.stringify({ type: 'set', params })),
    close: () => ws.close(),
  };
}

/** One UDP datagram per parameter, as TouchDesigner's OSC Out CHOP/DAT sends them. */
export function oscArg(value: unknown): OscArg {
  if (typeof value === 'number') return { type: 'f', value };
  if (typeof value === 'boolean') return { type: value ? 'T' : 'F', value };
  return { type: 's', value: String(value) };
}

function oscSender(scope: Scope): Sender {
  const port = scope.osc?.port;
  if (!port) throw new Error('OSC is off in this scope');
  const socket = createSocket('udp4');
  return {
    set: (params) => {
      for (const [name, value] of Object.entries(params)) {
        socket.send(encodeMessage({ address: `/scope/${name}`, args: [oscArg(value)] }), port, '127.0.0.1');
      }
    },
    close: () => socket.close(),
  };
}

/**
 * Parameter change over WebSocket or OSC -> first published frame that shows it. The pipeline is held still (its motion
 * parameters at zero) so the first frame that differs from the one before is the one showing the change.
 */
export async function controlLatency(o: {
  pipeline: string;
  width: number;
  height: number;
  fps: number;
  still: Record<string, unknown>;
  param: string;
  values: [unknown, unknown];
  trials: number;
  /** Compare only this pixel (for pipelines with a moving counter); the whole frame otherwise. */
  probe?: [number, number];
  via?: Transport;
}): Promise<LatencyResult> {
  const scope = await liveScope(o);
  const sender = o.via === 'osc' ? oscSender(scope) : await wsSender(scope);
  try {
    sender.set({ ...o.still, [o.param]: o.values[0] });
    await sleep(1500);
    const latencies: number[] = [];
    let previous: Frame | undefined;
    let waiting: { t0: number; resolve: (ms: number) => void } | undefined;
    let stillWaiter: (() => void) | undefined;
    const off = scope.services.engine.onFrame((frame) => {
      if (previous && !frame.repeated) {
        const changed = differs(frame, previous, o.probe);
        if (waiting && changed) {
          waiting.resolve(performance.now() - waiting.t0);
          waiting = undefined;
        } else if (stillWaiter && !changed) {
          stillWaiter();
          stillWaiter = undefined;
        }
      }
      if (!frame.repeated) previous = frame;
    });
    // Smoothed parameters glide for a while after a change: a trial starts only once the picture stands still.
    const still = () =>
      Promise.race([new Promise<void>((resolve) => (stillWaiter = resolve)), sleep(10_000)]).then(() => {
        stillWaiter = undefined;
      });
    const intervalMs = 1000 / o.fps;
    for (let i = 0; i < o.trials; i++) {
      await still();
      // A random phase against the frame clock, so the samples cover the whole frame interval.
      await sleep(Math.random() * intervalMs);
      const value = o.values[(i + 1) % 2];
      const seen = new Promise<number>((resolve) => {
        waiting = { t0: performance.now(), resolve };
      });
      sender.set({ [o.param]: value });
      const ms = await Promise.race([seen, sleep(2000).then(() => Number.NaN)]);
      if (Number.isFinite(ms)) latencies.push(ms);
    }
    off();
    return {
      samples: latencies.length,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: Math.max(...latencies),
      renderP50: scope.services.engine.getStats().frameTimeP50,
      intervalMs,
      live: scope.services.engine.latency.snapshot()[o.via ?? 'ws'],
    };
  } finally {
    sender.close();
    await scope.stop();
  }
}

function differs(a: Frame, b: Frame, probe?: [number, number]): boolean {
  if (a.data.length !== b.data.length) return true;
  if (probe) {
    const i = (probe[1] * a.width + probe[0]) * 4;
    return a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2];
  }
  // Every 97th byte is plenty to see a colour or hue change and costs little per frame.
  for (let i = 0; i < a.data.length; i += 97) if (a.data[i] !== b.data[i]) return true;
  return false;
}
