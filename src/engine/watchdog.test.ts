import { describe, expect, it } from 'vitest';
import { coarse, idleState, step } from './watchdog';
import type { WatchEvent, WatchState } from './watchdog';

const wall = '2025-01-01T00:00:00.000Z';

/** Runs events through the machine from idle, at the given clock times; returns every step. */
function run(events: [number, WatchEvent][], from: WatchState = idleState) {
  let s = from;
  return events.map(([now, e]) => {
    const r = step(s, e, now, wall);
    s = r.state;
    return r;
  });
}

const load: WatchEvent = { type: 'load', pipelineId: 'p', why: 'switch', detail: 'loading p' };
const loaded: WatchEvent = { type: 'loaded', detail: 'loaded p in 5 ms' };
const fail: WatchEvent = { type: 'render-failed', message: 'boom' };

describe('the watchdog state machine', () => {
  it('backs off 250 ms, 1 s, 2 s, then 5 s between tries, and reloads every third failure in a row', () => {
    const steps = run([
      [0, load],
      [0, loaded],
      [10, fail],
      [300, fail],
      [1400, fail],
      [3500, fail],
      [9000, fail],
    ]);
    const failed = steps.slice(2).map((r) => r.state);
    expect(failed.map((s) => s.retryAt! - 0)).toEqual([260, 1300, 3400, 8500, 14000]);
    expect(failed.map((s) => s.failures)).toEqual([1, 2, 3, 4, 5]);
    expect(steps.slice(2).map((r) => r.action.type)).toEqual(['none', 'none', 'reload', 'none', 'none']);
    expect(steps[4]!.action).toMatchObject({ why: 'recover', kill: false });
    expect(failed[0]).toMatchObject({ phase: 'backoff', reason: 'render failed once: boom; next try in 250 ms' });
    expect(failed[2]!.reason).toBe('render failed 3 times in a row: boom; reloading');
    expect(coarse('backoff')).toBe('error');
  });

  it('a late result of an abandoned render never resets the failures', () => {
    const steps = run([
      [0, load],
      [0, loaded],
      [10_000, { type: 'timed-out', ms: 10_000 }],
      [12_000, { type: 'late-result', ok: true }],
      [12_500, fail],
    ]);
    expect(steps[2]!.state).toMatchObject({ phase: 'hung', failures: 1, retryAt: 10_250 });
    expect(steps[2]!.action).toEqual({ type: 'wake-at', at: 10_250 });
    expect(steps[3]!.state).toMatchObject({ phase: 'backoff', failures: 1, retryAt: 10_250 });
    expect(steps[3]!.state.error).toMatchObject({ message: 'render took longer than 10000 ms' });
    // The next real failure is the second in a row, not the first.
    expect(steps[4]!.state).toMatchObject({ failures: 2, retryAt: 13_500 });
  });

  it('a hung render that never comes back is reloaded, its process killed; the failures carry over', () => {
    const steps = run([
      [0, load],
      [0, loaded],
      [10_000, { type: 'timed-out', ms: 10_000 }],
      [10_250, { type: 'retry-due' }],
      [10_250, { type: 'load', pipelineId: 'p', why: 'recover', detail: 'reloading' }],
      [11_000, loaded],
    ]);
    expect(steps[3]!.action).toMatchObject({ type: 'reload', why: 'recover', kill: true });
    expect(steps[4]!.state).toMatchObject({ phase: 'loading', failures: 1 });
    // The error stays shown until a render succeeds.
    expect(steps[5]!.state).toMatchObject({ phase: 'backoff', failures: 1, retryAt: 11_000 });
    expect(steps[5]!.state.error).not.toBeNull();
  });

  it('a crash restarts after the backoff; the first good render clears everything', () => {
    const steps = run([
      [0, load],
      [0, loaded],
      [100, { type: 'runtime-lost', message: 'the onnxruntime process crashed (SIGABRT: a native abort)' }],
      [350, { type: 'retry-due' }],
      [350, { type: 'load', pipelineId: 'p', why: 'restart', detail: 'restarting' }],
      [900, loaded],
      [910, { type: 'rendered' }],
    ]);
    expect(steps[2]!.state).toMatchObject({ phase: 'crashed', failures: 1, retryAt: 350 });
    expect(steps[2]!.state.reason).toBe(
      'the onnxruntime process crashed (SIGABRT: a native abort); restarting in 250 ms',
    );
    expect(steps[3]!.action).toMatchObject({ type: 'reload', why: 'restart', kill: true });
    expect(steps[6]!.state).toMatchObject({ phase: 'ready', failures: 0, error: null });
    expect(steps[6]!.transition).toMatchObject({
      from: 'backoff',
      to: 'ready',
      reason: 'rendering again after 1 failure',
    });
  });

  it("a user's load starts counting afresh; stale results of a replaced instance change nothing", () => {
    const steps = run([
      [0, load],
      [0, loaded],
      [10, fail],
      [20, fail],
      [30, load],
      [40, { type: 'rendered' }],
      [50, { type: 'late-result', ok: true }],
      [60, loaded],
    ]);
    expect(steps[4]!.state).toMatchObject({ phase: 'loading', failures: 0, error: null });
    expect(steps[5]!.transition).toBeNull();
    expect(steps[6]!.transition).toBeNull();
    expect(steps[7]!.state).toMatchObject({ phase: 'ready', failures: 0 });
  });

  it('a failed load waits for the next load; every transition names its reason', () => {
    const steps = run([
      [0, load],
      [5, { type: 'load-failed', message: 'weights missing' }],
      [6, fail],
      [7, { type: 'unload' }],
    ]);
    expect(steps[1]!.state).toMatchObject({ phase: 'failed', error: { during: 'load', message: 'weights missing' } });
    expect(steps[1]!.transition).toEqual({
      from: 'loading',
      to: 'failed',
      event: 'load-failed',
      reason: 'could not load: weights missing',
      at: wall,
      failures: 0,
    });
    expect(steps[2]!.transition).toBeNull();
    expect(steps[3]!.state).toMatchObject({ phase: 'idle', reason: 'unloaded' });
  });
});
