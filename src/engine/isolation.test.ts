/**
 * Crash isolation with real child processes: each injected fault (throw, wrong size, hang, crash) while the frame
 * loop runs on a manual clock (and a leak, which the memory monitor catches). The outputs' frame rate is counted in frames per clock interval; the recovery is
 * the pipeline rendering fresh frames again, in a new onnxruntime process where one had to go.
 */
import { engineInSteps } from './test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { FaultPlan } from './faults';
import { PipelineHost } from './host';
import { PipelineRegistry } from './registry';
import { ParamStore } from '../params/store';
import { OrtRuntime } from '../runtime/ort';
import { ChildProcessTransport } from '../runtime/child-transport';
import { neuralField } from '../../pipelines/neural-field/neural-field';
import { MemoryBudget } from './memory-budget';
import { MemoryMonitor } from './memory-monitor';
import { ManualTimers } from '../kernel/timers';

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.map((s) => s()));
  stops = [];
});

/**
 * neural-field at 64x64 with its sessions in a child process of its own, faults on, on a manual clock. The clock
 * moves one interval only once the child has answered what the last one asked of it (a render, a load), so a slow
 * render on a busy machine is never taken for a hang, and no real time is spent waiting on a timer.
 */
async function isolatedRig(renderTimeoutMs = 600_000) {
  const clock = new ManualClock();
  const params = new ParamStore();
  const faults = new FaultPlan();
  const shared = new OrtRuntime({ device: 'cpu' });
  const lines: string[] = [];
  const host = new PipelineHost({
    registry: new PipelineRegistry([neuralField]),
    params,
    runtime: shared,
    runtimeFor: () => shared.sibling(new ChildProcessTransport({ faults: true, log: (m) => lines.push(m) })),
    resolution: { width: 64, height: 64 },
    clock,
    faults,
    renderTimeoutMs,
    log: (m) => lines.push(m),
  });
  const { engine, frames, step } = engineInSteps(host, clock, params);
  stops.push(async () => {
    await engine.stop();
    await host.stop();
  });
  await host.load('neural-field');
  const pid = () => host.loaded().active?.runtime.pid;

  /**
   * Lets clock time pass one frame interval at a time, each once the child has answered the renders and loads in
   * flight (they are real work in a real process), until `done` or `maxSteps`. With `hung`, a render that will not
   * answer (the child blocks) is not waited for: only the clock, through the watchdog, ends it.
   */
  const run = async (done: () => boolean, maxSteps = 3000, o: { hung?: boolean } = {}) => {
    const from = frames.length;
    let steps = 0;
    while (steps < maxSteps && !done()) {
      steps++;
      await step(o);
    }
    return { steps, published: frames.length - from, sent: frames.slice(from) };
  };
  const fresh = () => frames.length > 0 && !frames.at(-1)!.repeated && host.status().phase === 'ready';
  /** Runs until the pipeline renders again, then a few more frames. */
  const recover = async () => {
    const r = await run(fresh);
    expect(fresh()).toBe(true);
    return r;
  };
  await recover();
  return { clock, host, engine, frames, faults, lines, pid, run, recover, shared };
}

/** Every clock interval that passed published a frame: the outputs kept their rate. */
function expectRateHeld(r: { steps: number; published: number }) {
  expect(r.published).toBeGreaterThanOrEqual(r.steps - 1);
}

describe('faults in a pipeline whose sessions run in a child process', () => {
  it('throw: the last good frame goes out at full rate, then the pipeline renders again', async () => {
    const rig = await isolatedRig();
    rig.faults.inject({ kind: 'throw', frames: 2 });
    const r = await rig.run(() => rig.host.renderFailures >= 2 && rig.host.status().phase === 'ready');
    expectRateHeld(r);
    expect(r.sent.some((f) => f.repeated)).toBe(true);
    expect(rig.host.status().transitions.map((t) => t.to)).toContain('backoff');
    await rig.recover();
  });

  it('wrong size: refused as a failure, the outputs keep the right size and rate, then it recovers', async () => {
    const rig = await isolatedRig();
    rig.faults.inject({ kind: 'wrong-size', frames: 1 });
    const r = await rig.run(() => rig.host.renderFailures >= 1);
    expectRateHeld(r);
    expect(rig.host.status().error?.message).toMatch(/returned 32x32 .* expected 64x64/);
    const after = await rig.recover();
    expect(after.sent.every((f) => f.width === 64 && f.height === 64)).toBe(true);
  });

  it('hang: frames keep going while the child blocks; past the watchdog it is killed and restarted', async () => {
    const rig = await isolatedRig(1000);
    const before = rig.pid()!;
    // The child blocks for 20 s of real time, as a native call that never returns would.
    rig.faults.inject({ kind: 'hang', seconds: 20 });
    const hung = await rig.run(() => rig.host.status().phase === 'hung', 3000, { hung: true });
    const r = await rig.run(
      () => rig.pid() !== undefined && rig.pid() !== before && rig.host.status().phase === 'ready',
    );
    expectRateHeld({ steps: hung.steps + r.steps, published: hung.published + r.published });
    const reasons = rig.host.status().transitions.map((t) => t.reason);
    expect(reasons).toContain('render took longer than 1000 ms (once); reloading in 250 ms unless it comes back');
    expect(reasons).toContain('the render that timed out never came back; reloading');
    expect(() => process.kill(before, 0)).toThrow();
    await rig.recover();
  });

  it('crash: a native abort ends the child only; the status says why and the pipeline restarts with backoff', async () => {
    const rig = await isolatedRig();
    const before = rig.pid()!;
    rig.faults.inject({ kind: 'crash' });
    const crashed = await rig.run(() => rig.host.status().phase === 'crashed');
    expect(rig.host.status()).toMatchObject({
      state: 'error',
      phase: 'crashed',
      error: { message: expect.stringContaining('crashed (SIGABRT: a native abort)') },
      reason: expect.stringMatching(/SIGABRT.*; restarting in 250 ms$/),
    });
    const r = await rig.recover();
    expectRateHeld({ steps: crashed.steps + r.steps, published: crashed.published + r.published });
    expect(rig.pid()).not.toBe(before);
    expect(rig.lines.some((l) => /crashed -> loading: restarting/.test(l))).toBe(true);
  });

  it('leak: the memory monitor sees the process grow past the budget and restarts it; frames keep going', async () => {
    const rig = await isolatedRig();
    const before = rig.pid()!;
    const budget = new MemoryBudget(null);
    const monitor = new MemoryMonitor({
      host: rig.host,
      runtime: rig.shared,
      budget,
      timers: new ManualTimers(),
      intervalMs: 2000,
      log: (m) => rig.lines.push(m),
      gpu: null,
    });
    monitor.loaded(rig.host.loaded().active!);
    const first = await monitor.sample();
    const after = budget.footprint('neural-field', rig.host.loaded().active!.key)!;
    expect(after.rss).toBeGreaterThan(10 * 1024 ** 2);
    // Room for the pipeline as loaded and 150 MB more; the leak takes 300 MB.
    budget.limit = first.total + 150 * 1024 ** 2;
    rig.faults.inject({ kind: 'leak', megabytes: 100, frames: 3 });
    // Frames go on while the leaky renders run in the child; the monitor samples every 10 frames, as its timer would.
    const leaking = { steps: 0, published: 0 };
    let grown = first;
    const restarted = () => /grew to/.test(rig.host.status().reason);
    for (let i = 0; i < 100 && !restarted(); i++) {
      const r = await rig.run(() => false, 10);
      leaking.steps += r.steps;
      leaking.published += r.published;
      grown = await monitor.sample();
    }
    expect(grown.pipelines[0]!.rss! - first.pipelines[0]!.rss!).toBeGreaterThan(150 * 1024 ** 2);
    expect(rig.host.status().reason).toMatch(
      /its onnxruntime process grew to .* after loading\), taking the total past the memory budget/,
    );
    const r = await rig.recover();
    expect(rig.pid()).not.toBe(before);
    expectRateHeld({ steps: leaking.steps + r.steps, published: leaking.published + r.published });
    expect((await monitor.sample()).total).toBeLessThan(budget.limit);
  });
});
