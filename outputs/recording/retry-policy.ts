/**
 * What the recorder does when ffmpeg fails (a full disk, a crash, a bad binary): it stops taking frames and says
 * why; it tries again after a backoff that doubles, on injectable timers, and gives up after `maxRetries`. No
 * part is opened while it waits, so a failing disk is not littered with empty parts.
 */
import type { Timers } from '../../src/kernel/timers';

export interface RetryPolicyOptions {
  timers: Timers;
  /** The first wait (ms); each next one doubles. */
  firstMs: number;
  maxRetries: number;
}

export const retryDefaults = { firstMs: 2000, maxRetries: 3 } as const;

export class RetryPolicy {
  private failures = 0;
  private retryAt: number | undefined;
  private gaveUp = false;
  private cancel: (() => void) | undefined;
  /** Why the recorder is not recording although asked to; undefined while it records. */
  reason: string | undefined;

  constructor(private readonly o: RetryPolicyOptions) {}

  /** True while the recorder must not open a part: it failed and waits, or gave up. */
  get down(): boolean {
    return this.reason !== undefined;
  }

  /**
   * ffmpeg failed with `reason`: the next try is armed (`retry` runs when it is due) unless the tries are spent.
   * Returns the sentence for the log and the state.
   */
  failed(reason: string, retry: () => void): string {
    this.cancel?.();
    this.failures++;
    if (this.failures > this.o.maxRetries) {
      this.retryAt = undefined;
      this.gaveUp = true;
      this.reason = `${reason}; stopped after ${this.o.maxRetries} tries`;
      return this.reason;
    }
    const wait = this.o.firstMs * 2 ** (this.failures - 1);
    this.retryAt = this.o.timers.now() + wait;
    this.reason = reason;
    // Still down while `retry` checks whether a try can be made: it calls resume() or failed() again.
    this.cancel = this.o.timers.after(wait, () => {
      this.cancel = undefined;
      this.retryAt = undefined;
      retry();
    });
    return `${reason}; trying again in ${wait / 1000} s (${this.failures} of ${this.o.maxRetries})`;
  }

  /** The try is due and may be made: the next frame opens a part. */
  resume(): void {
    this.reason = undefined;
  }

  /** What GET /api/v1/recording says: the reason, with when the next try comes. */
  describe(): string | undefined {
    if (this.reason === undefined) return undefined;
    if (this.gaveUp) return this.reason;
    if (this.retryAt === undefined) return `${this.reason}; trying again now`;
    const s = Math.max(0, Math.ceil((this.retryAt - this.o.timers.now()) / 1000));
    return `${this.reason}; trying again in ${s} s (${this.failures} of ${this.o.maxRetries})`;
  }

  /** A new recording (start) or a stop: nothing is pending, the count begins again. */
  reset(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.failures = 0;
    this.retryAt = undefined;
    this.reason = undefined;
    this.gaveUp = false;
  }
}
