/**
 * The pipeline host's watchdog as an explicit state machine: a pure function from (state, event) to the next
 * state, a transition record with its reason, and what the host must do. The host feeds it every load, render
 * result, timeout and crash; nothing else changes the state.
 *
 * Phases (and the coarse `state` the API has always had):
 *
 *   idle        nothing loaded                                                   idle
 *   loading     loading, switching or reloading; `reason` says which               loading
 *   ready       rendering                                                         ready
 *   backoff     the last render failed (or a recovery reload just finished); the  error
 *               next render is tried at `retryAt`
 *   hung        a render ran past the watchdog and has not come back               error
 *   crashed     the pipeline's onnxruntime process died (or grew past the budget) error
 *   failed      loading failed; waits for the next load                            error
 *
 * Transitions (`failures` counts render failures in a row; only a good render sets it back to 0):
 *
 *   load          any -> loading. A user's load or a load-time change starts counting afresh; a reload
 *                 after failures (`carry`) keeps the count.
 *   loaded        loading -> ready, or -> backoff due at once when failures are carried (the error stays
 *                 shown until a render succeeds).
 *   load-failed   loading -> failed.
 *   rendered      ready | backoff -> ready, failures = 0.
 *   render-failed ready | backoff -> backoff, failures + 1, retry after 250 ms, 1 s, 2 s, then 5 s; every
 *                 `reloadAfter`-th failure in a row also asks for a reload.
 *   timed-out     ready | backoff -> hung, failures + 1, the same backoff (and the same reload every
 *                 `reloadAfter`-th failure, killing the process the render still runs in).
 *   late-result   hung -> backoff: the abandoned render came back. Its result is dropped and failures stay;
 *                 the next render is tried at the same `retryAt`.
 *   retry-due     hung -> a reload (a hung pipeline cannot be asked for another frame; its process is killed).
 *                 crashed -> a reload (a restart).
 *   runtime-lost  ready | backoff | hung -> crashed, failures + 1, restart after the backoff.
 *   fell-back     any -> ready on the pipeline that ran before a load: the new one failed before its first
 *                 good frame (the host keeps the failure as the status's lastLoadError), failures = 0.
 *   unload        any -> idle.
 *
 * Any other (phase, event) pair is ignored: a stale result of a replaced instance changes nothing.
 */

export type Phase = 'idle' | 'loading' | 'ready' | 'backoff' | 'hung' | 'crashed' | 'failed';
export type CoarseState = 'idle' | 'loading' | 'ready' | 'error';

/** Why a load runs: a user's switch, a load-time parameter, a recovery after failures, a restart after a crash. */
export type LoadReason = 'switch' | 'param' | 'recover' | 'restart';

export type WatchEvent =
  | { type: 'load'; pipelineId: string; why: LoadReason; detail: string }
  | { type: 'loaded'; detail: string }
  | { type: 'load-failed'; message: string }
  | { type: 'rendered' }
  | { type: 'render-failed'; message: string }
  | { type: 'timed-out'; ms: number }
  | { type: 'late-result'; ok: boolean }
  | { type: 'retry-due' }
  | { type: 'runtime-lost'; message: string }
  | { type: 'fell-back'; pipelineId: string; detail: string }
  | { type: 'unload' };

export interface WatchError {
  message: string;
  during: 'load' | 'render';
  /** Wall-clock time, ISO 8601. */
  at: string;
  consecutive: number;
}

export interface WatchState {
  phase: Phase;
  pipelineId: string | null;
  /** Render failures in a row (timeouts and crashes included). */
  failures: number;
  /** Clock time of the next try, in backoff, hung and crashed. */
  retryAt: number | null;
  error: WatchError | null;
  /** Why the machine is in this phase, as a sentence a performer can read. */
  reason: string;
}

/** One change of phase, as the log, the WebSocket and the panel show it. */
export interface Transition {
  from: Phase;
  to: Phase;
  event: WatchEvent['type'];
  reason: string;
  /** Wall-clock time, ISO 8601. */
  at: string;
  failures: number;
}

export interface WatchPolicy {
  /** Waits before the next try, by failures in a row; the last one repeats. */
  backoffMs: readonly number[];
  /** Every this many failures in a row the pipeline is reloaded. */
  reloadAfter: number;
}

export const defaultPolicy: WatchPolicy = { backoffMs: [250, 1000, 2000, 5000], reloadAfter: 3 };

/** What the host does after a step: nothing, reload (recover or restart), or wake the machine at `retryAt`. */
export type WatchAction =
  | { type: 'none' }
  | { type: 'reload'; why: 'recover' | 'restart'; kill: boolean; detail: string }
  | { type: 'wake-at'; at: number };

export interface Step {
  state: WatchState;
  transition: Transition | null;
  action: WatchAction;
}

export const idleState: WatchState = {
  phase: 'idle',
  pipelineId: null,
  failures: 0,
  retryAt: null,
  error: null,
  reason: 'no pipeline loaded',
};

/** The coarse state of a phase (the `state` field of the status). */
export function coarse(phase: Phase): CoarseState {
  if (phase === 'idle' || phase === 'loading' || phase === 'ready') return phase;
  return 'error';
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);
const inARow = (n: number) => (n === 1 ? 'once' : `${n} times in a row`);

/** Applies one event; `now` is clock time, `wall` the ISO time stamped on errors and transitions. */
export function step(s: WatchState, e: WatchEvent, now: number, wall: string, policy = defaultPolicy): Step {
  const none: WatchAction = { type: 'none' };
  const go = (next: WatchState, action: WatchAction = none): Step => ({
    state: next,
    transition: {
      from: s.phase,
      to: next.phase,
      event: e.type,
      reason: next.reason,
      at: wall,
      failures: next.failures,
    },
    action,
  });
  const ignore: Step = { state: s, transition: null, action: none };
  const running = s.phase === 'ready' || s.phase === 'backoff';
  const backoff = (n: number) => policy.backoffMs[Math.min(n, policy.backoffMs.length) - 1]!;
  const renderError = (message: string, n: number): WatchError => ({
    message,
    during: 'render',
    at: wall,
    consecutive: n,
  });

  switch (e.type) {
    case 'load': {
      const failures = e.why === 'recover' || e.why === 'restart' ? s.failures : 0;
      return go({
        phase: 'loading',
        pipelineId: e.pipelineId,
        failures,
        retryAt: null,
        error: failures > 0 ? s.error : null,
        reason: e.detail,
      });
    }
    case 'loaded':
      if (s.phase !== 'loading') return ignore;
      if (s.failures > 0) {
        return go({ ...s, phase: 'backoff', retryAt: now, reason: `${e.detail}; trying a render again` });
      }
      return go({ ...s, phase: 'ready', retryAt: null, error: null, reason: e.detail });
    case 'load-failed':
      if (s.phase !== 'loading') return ignore;
      return go({
        ...s,
        phase: 'failed',
        retryAt: null,
        error: { message: e.message, during: 'load', at: wall, consecutive: 1 },
        reason: `could not load: ${e.message}`,
      });
    case 'rendered':
      if (!running) return ignore;
      if (s.phase === 'ready') return ignore;
      return go({
        ...s,
        phase: 'ready',
        failures: 0,
        retryAt: null,
        error: null,
        reason: `rendering again after ${s.failures} failure${s.failures === 1 ? '' : 's'}`,
      });
    case 'render-failed': {
      if (!running) return ignore;
      const n = s.failures + 1;
      const wait = backoff(n);
      const reload = n % policy.reloadAfter === 0;
      const next: WatchState = {
        ...s,
        phase: 'backoff',
        failures: n,
        retryAt: now + wait,
        error: renderError(e.message, n),
        reason: reload
          ? `render failed ${inARow(n)}: ${e.message}; reloading`
          : `render failed ${inARow(n)}: ${e.message}; next try in ${seconds(wait)}`,
      };
      return go(
        next,
        reload
          ? { type: 'reload', why: 'recover', kill: false, detail: `reloading after ${n} failed renders in a row` }
          : none,
      );
    }
    case 'timed-out': {
      if (!running) return ignore;
      const n = s.failures + 1;
      const wait = backoff(n);
      const message = `render took longer than ${Math.round(e.ms)} ms`;
      const reload = n % policy.reloadAfter === 0;
      return go(
        {
          ...s,
          phase: 'hung',
          failures: n,
          retryAt: now + wait,
          error: renderError(message, n),
          reason: reload
            ? `${message} (${inARow(n)}); reloading`
            : `${message} (${inARow(n)}); reloading in ${seconds(wait)} unless it comes back`,
        },
        reload
          ? { type: 'reload', why: 'recover', kill: true, detail: `reloading after ${n} failed renders in a row` }
          : { type: 'wake-at', at: now + wait },
      );
    }
    case 'late-result':
      if (s.phase !== 'hung') return ignore;
      return go({
        ...s,
        phase: 'backoff',
        reason: `the render that timed out came back ${e.ok ? 'late' : 'failing'}; its frame is dropped, next try at the backoff`,
      });
    case 'retry-due':
      if (s.phase === 'hung') {
        return {
          state: s,
          transition: null,
          action: {
            type: 'reload',
            why: 'recover',
            kill: true,
            detail: 'the render that timed out never came back; reloading',
          },
        };
      }
      if (s.phase === 'crashed') {
        return {
          state: s,
          transition: null,
          action: {
            type: 'reload',
            why: 'restart',
            kill: true,
            detail: `restarting: ${s.error?.message ?? 'crashed'}`,
          },
        };
      }
      return ignore;
    case 'runtime-lost': {
      if (!running && s.phase !== 'hung') return ignore;
      const n = s.failures + 1;
      const wait = backoff(n);
      return go(
        {
          ...s,
          phase: 'crashed',
          failures: n,
          retryAt: now + wait,
          error: renderError(e.message, n),
          reason: `${e.message}; restarting in ${seconds(wait)}`,
        },
        { type: 'wake-at', at: now + wait },
      );
    }
    case 'fell-back':
      return go({ ...idleState, phase: 'ready', pipelineId: e.pipelineId, reason: e.detail });
    case 'unload':
      if (s.phase === 'idle') return ignore;
      return go({ ...idleState, reason: 'unloaded' });
  }
}
