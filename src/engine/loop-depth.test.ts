/**
 * The loop's depth with neural-field's sessions in a child process (crash isolation) on the CPU provider, on a
 * manual clock: what the child is sent and when each frame goes out, at pipelineDepth 1 and 2 and switched live.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { engineInSteps } from './test-support';
import { ManualClock } from './clock';
import { FaultPlan } from './faults';
import { PipelineHost } from './host';
import { PipelineRegistry } from './registry';
import { ParamStore } from '../params/store';
import { OrtRuntime } from '../runtime/ort';
import { ChildProcessTransport } from '../runtime/child-transport';
import type { Request } from '../runtime/session-protocol';
import type { SessionTransport } from '../runtime/transport';
import { neuralField } from '../../pipelines/neural-field/neural-field';

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.map((s) => s()));
  stops = [];
});

/** A child-process transport that counts the runs sent to it. */
function counting(): { transport: SessionTransport; runsSent: () => number } {
  const inner = new ChildProcessTransport({ faults: true });
  let runs = 0;
  const transport: SessionTransport = {
    request: <R extends Request>(msg: R) => {
      if (msg.op === 'run') runs++;
      return inner.request(msg);
    },
    onLost: (l) => inner.onLost(l),
    close: () => inner.close(),
    kill: () => inner.kill(),
    get pid() {
      return inner.pid;
    },
  };
  return { transport, runsSent: () => runs };
}

/** neural-field at 64x64 in a child process; `sentAt` holds, per published frame, the runs sent by then. */
async function rig(depth: 1 | 2) {
  const clock = new ManualClock();
  const params = new ParamStore();
  const faults = new FaultPlan();
  const shared = new OrtRuntime({ device: 'cpu' });
  const child = counting();
  const host = new PipelineHost({
    registry: new PipelineRegistry([neuralField]),
    params,
    runtime: shared,
    runtimeFor: () => shared.sibling(child.transport),
    resolution: { width: 64, height: 64 },
    clock,
    faults,
    renderTimeoutMs: 600_000,
  });
  const { engine, frames, step } = engineInSteps(host, clock, params);
  const sentAt: number[] = [];
  engine.onFrame(() => sentAt.push(child.runsSent()));
  stops.push(async () => {
    await engine.stop();
    await host.stop();
  });
  await host.load('neural-field');
  params.set('pipelineDepth', depth, 'http');
  const steps = async (n: number) => {
    for (let i = 0; i < n; i++) await step();
  };
  return { params, frames, steps, sentAt, faults, host };
}

const hash = (data: Uint8Array) => createHash('sha1').update(data).digest('hex');
/** The frames that carried a newly rendered image, as hashes, in the order they went out. */
const fresh = (frames: { repeated: boolean; data: Uint8Array }[]) =>
  frames.filter((f) => !f.repeated).map((f) => hash(f.data));

describe('pipelineDepth with the sessions in a child process', () => {
  it('at 2 the next frame is sent to the child before a frame goes out; the same frames, in order, one slot later', async () => {
    const latency = await rig(1);
    await latency.steps(12);
    const throughput = await rig(2);
    await throughput.steps(12);
    const fresh1 = fresh(latency.frames);
    const fresh2 = fresh(throughput.frames);
    // Every image the latency loop showed, the throughput loop showed too, in the same order, none twice.
    expect(fresh2.length).toBeGreaterThanOrEqual(8);
    expect(fresh2).toEqual(fresh1.slice(0, fresh2.length));
    expect(new Set(fresh2).size).toBe(fresh2.length);
    // At depth 1 a fresh frame goes out when its own run came back and nothing else was sent; at depth 2 the
    // run of the frame after it was already on its way (the child works on it while this process sends this one).
    const inFlightAt = (r: Awaited<ReturnType<typeof rig>>) =>
      r.frames.map((f, i) => (f.repeated ? undefined : r.sentAt[i]! - fresh(r.frames.slice(0, i + 1)).length));
    const steady = (xs: (number | undefined)[]) => xs.slice(4).filter((x) => x !== undefined);
    expect(new Set(steady(inFlightAt(latency)))).toEqual(new Set([0]));
    expect(new Set(steady(inFlightAt(throughput)))).toEqual(new Set([1]));
  });

  it('switches live between latency and throughput with no image lost or shown twice', async () => {
    const reference = await rig(1);
    await reference.steps(16);
    const r = await rig(1);
    await r.steps(4);
    r.params.set('pipelineDepth', 2, 'http');
    await r.steps(6);
    r.params.set('pipelineDepth', 1, 'http');
    await r.steps(6);
    const all = fresh(reference.frames);
    const shown = fresh(r.frames);
    const at = shown.map((h) => all.indexOf(h));
    // Each image is one the latency loop made, in order, none twice: the switch back skips rendering one slot's
    // values (its slot shows the frame in flight instead), the switch to 2 repeats one frame.
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at.every((i, k) => k === 0 || i > at[k - 1]!)).toBe(true);
    const repeats = (frames: { repeated: boolean }[]) => frames.filter((f) => f.repeated).length;
    expect(repeats(r.frames)).toBe(repeats(reference.frames.slice(0, r.frames.length)) + 1);
    // The one image never rendered is the slot's whose values the switch back did not render.
    expect(at.length).toBe(at.at(-1)!);
  });

  it('a failing render at depth 2 keeps the outputs at their rate and the loop recovers', async () => {
    const r = await rig(2);
    await r.steps(4);
    const before = r.frames.length;
    r.faults.inject({ kind: 'throw', frames: 2 });
    let steps = 0;
    while (steps < 400 && !(r.host.renderFailures >= 2 && r.frames.at(-1)?.repeated === false && steps > 10)) {
      await r.steps(1);
      steps++;
    }
    expect(r.host.renderFailures).toBeGreaterThanOrEqual(2);
    // One frame per clock interval went out throughout, the failed slots with the last good image.
    expect(r.frames.length - before).toBeGreaterThanOrEqual(steps - 1);
    expect(r.frames.at(-1)!.repeated).toBe(false);
  });
});
