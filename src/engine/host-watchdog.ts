import type { Cancel, Clock } from './clock';
import { idleState, step } from './watchdog';
import type { Transition, WatchAction, WatchEvent, WatchPolicy, WatchState } from './watchdog';

const HISTORY = 20;

export interface HostWatchdogOptions {
  clock: Clock;
  policy: WatchPolicy;
  log: (message: string) => void;
  /** A reload the machine asks for (a recovery, a restart). */
  reload: (action: Extract<WatchAction, { type: 'reload' }>) => void;
  /** Called after each transition, for the status listeners. */
  changed: () => void;
}

/**
 * The state machine of watchdog.ts put to work for the host: it keeps the state and the last transitions, logs each
 * transition with its reason, wakes itself at `retryAt` on the clock, and hands reloads to the host.
 */
export class HostWatchdog {
  state: WatchState = idleState;
  history: Transition[] = [];
  /** Failed renders since start, timeouts and crashes included. */
  failures = 0;
  private cancelWake: Cancel | undefined;

  constructor(private readonly o: HostWatchdogOptions) {}

  dispatch(e: WatchEvent): void {
    // Every good frame says 'rendered'; while ready it changes nothing, so the frame path skips the step.
    if (e.type === 'rendered' && this.state.phase === 'ready') return;
    const now = this.o.clock.now();
    const r = step(this.state, e, now, new Date().toISOString(), this.o.policy);
    this.state = r.state;
    if (r.transition) {
      if (e.type === 'render-failed' || e.type === 'timed-out' || e.type === 'runtime-lost') this.failures++;
      this.history = [...this.history, r.transition].slice(-HISTORY);
      const t = r.transition;
      this.o.log(`pipeline ${r.state.pipelineId ?? ''}: ${t.from} -> ${t.to}: ${t.reason}`);
      this.o.changed();
    }
    const a = r.action;
    if (a.type === 'wake-at') {
      this.cancelWake?.();
      this.cancelWake = this.o.clock.after(a.at - now, () => this.dispatch({ type: 'retry-due' }));
    } else if (a.type === 'reload') {
      this.o.reload(a);
    }
  }

  /** Forgets a pending wake (a new load is starting). */
  cancel(): void {
    this.cancelWake?.();
    this.cancelWake = undefined;
  }

  /** Milliseconds until the next try while failing; null otherwise. */
  retryInMs(): number | null {
    const { retryAt, error } = this.state;
    if (retryAt === null || !error) return null;
    return Math.max(0, Math.round(retryAt - this.o.clock.now()));
  }
}
