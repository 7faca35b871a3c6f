/**
 * Downloads resume by themselves, as the Hugging Face tools do: a dropped connection, a stall or a 5xx/429 is tried
 * again from where it stopped (the `.incomplete` part and a Range) after a growing pause, up to a number of attempts
 * and a time limit. Only then does the failure reach the person, with the sentence that says how to resume.
 */
import { DownloadError } from './hub';
import { realTimers } from '../kernel/timers';
import type { Timers } from '../kernel/timers';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** No new try starts after this long since the first. */
  withinMs: number;
  /** Pause before the 2nd, 3rd, … try; the last one repeats. */
  delaysMs: number[];
  timers: Timers;
}

export const retryDefaults: RetryPolicy = {
  attempts: 8,
  withinMs: 15 * 60_000,
  delaysMs: [1000, 2000, 5000, 10_000, 20_000, 30_000],
  timers: realTimers,
};

/** Whether trying again can help: the network, a timeout, a server error or rate limit; not a 404, a bad checksum. */
export function retryable(err: unknown): boolean {
  return err instanceof DownloadError && err.retryable;
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the policy gives up; `onRetry` is told before each pause.
 * Stops at once when `signal` aborts (the server is stopping: the part stays for later).
 */
export async function withRetries<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry: (n: number, delayMs: number, err: DownloadError) => void,
  signal?: AbortSignal,
): Promise<T> {
  const started = policy.timers.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const delay = policy.delaysMs[Math.min(n - 1, policy.delaysMs.length - 1)] ?? 0;
      const late = policy.timers.now() + delay - started > policy.withinMs;
      if (!retryable(err) || n >= policy.attempts || late || signal?.aborted) throw err;
      onRetry(n, delay, err as DownloadError);
      await new Promise<void>((resolve) => {
        const cancel = policy.timers.after(delay, resolve);
        signal?.addEventListener('abort', () => (cancel(), resolve()), { once: true });
      });
      if (signal?.aborted) throw err;
    }
  }
}
