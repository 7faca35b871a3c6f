/**
 * One graph timed on one runtime, two ways: outputs to the host (each run waits for its outputs in host memory)
 * and outputs kept on the device with runs issued back to back (the pipelined throughput a frame loop gets when
 * only the finished frame comes down). Inputs are uploaded once in the second mode.
 */
import { readSignature } from '../src/runtime/onnx-signature';
import type { OrtRuntime } from '../src/runtime/ort';
import type { Feed, PlainTensor, TensorHandle } from '../src/runtime/tensor';
import { median, percentile } from './stats';

export interface GraphTiming {
  /** Per-run latency with outputs copied to the host. */
  medianMs: number;
  p90Ms: number;
  runs: number;
  /** Runs per second with outputs kept on the device, back to back, one read at the end. */
  pipelinedFps: number;
}

export interface TimeGraphOptions {
  /** Stop after this many timed runs … */
  runs: number;
  /** … or this many seconds, whichever comes first (a UNet on the CPU takes seconds a run). */
  seconds: number;
  warmup: number;
  /** The pipelined runs go on for at least this long. */
  pipelinedSeconds: number;
}

const defaults: TimeGraphOptions = { runs: 50, seconds: 10, warmup: 3, pipelinedSeconds: 1 };

export async function timeGraph(
  runtime: OrtRuntime,
  model: string | Uint8Array,
  feeds: Record<string, PlainTensor>,
  options: Partial<TimeGraphOptions> = {},
): Promise<GraphTiming> {
  const o = { ...defaults, ...options } satisfies TimeGraphOptions;
  const { outputs } = await readSignature(model);
  const names = outputs.map((x) => x.name);

  const host = await runtime.createSession(model, { hostOutputs: names });
  const latencies: number[] = [];
  try {
    for (let i = 0; i < o.warmup; i++) await host.run(feeds);
    const until = performance.now() + o.seconds * 1000;
    while (latencies.length < o.runs && (latencies.length === 0 || performance.now() < until)) {
      const started = performance.now();
      await host.run(feeds);
      latencies.push(performance.now() - started);
    }
  } finally {
    await host.release();
  }

  const device = await runtime.createSession(model);
  const uploaded: Record<string, Feed> = {};
  const handles: TensorHandle[] = [];
  try {
    for (const [k, v] of Object.entries(feeds)) handles.push((uploaded[k] = await runtime.upload(v)) as TensorHandle);
    const once = async () => {
      const out = await device.run(uploaded, { keep: names });
      return Object.values(out) as TensorHandle[];
    };
    for (let i = 0; i < o.warmup; i++) await runtime.release(await once());
    // Issued for at least pipelinedSeconds: a few dozen runs of a 2 ms graph are too short a window (on an H200,
    // 30 runs of neural-field 1080p read 5.4 ms a frame where 100 runs read 1.7 ms).
    const started = performance.now();
    let count = 0;
    // Two runs in flight: the next is queued while the last one's outputs are released.
    let previous: Promise<TensorHandle[]> | undefined;
    let last: TensorHandle[] = [];
    while (count < 3 || performance.now() - started < o.pipelinedSeconds * 1000) {
      const next = once();
      if (previous) await runtime.release(await previous);
      previous = next;
      count++;
    }
    last = await previous!;
    // Reading one output waits for the device to finish everything queued before it.
    await runtime.read(last[0]!);
    const seconds = (performance.now() - started) / 1000;
    await runtime.release(last);
    return {
      medianMs: median(latencies),
      p90Ms: percentile(latencies, 0.9),
      runs: latencies.length,
      pipelinedFps: count / seconds,
    };
  } finally {
    await runtime.release(handles).catch(() => {});
    await device.release();
  }
}
