import { describe, expect, it } from 'vitest';
import { DownloadError } from './hub';
import { withRetries } from './retry';
import { ManualTimers } from '../kernel/timers';

const network = () => new DownloadError('network', 'the connection ended early');

/** Lets the attempt's promise settle and the retry loop reach its pause. */
const settle = () => new Promise((r) => setImmediate(r));

describe('withRetries', () => {
  it('tries again after growing pauses on the policy clock, until it succeeds', async () => {
    const timers = new ManualTimers();
    const tries: number[] = [];
    const pauses: number[] = [];
    const done = withRetries(
      async (n) => {
        tries.push(timers.now());
        if (n < 4) throw network();
        return 'ok';
      },
      { attempts: 8, withinMs: 600_000, delaysMs: [1000, 2000, 5000], timers },
      (_n, delay) => pauses.push(delay),
    );
    for (const step of [1000, 2000, 5000]) {
      await settle();
      timers.advance(step);
    }
    expect(await done).toBe('ok');
    expect(pauses).toEqual([1000, 2000, 5000]);
    expect(tries.map((t) => t - tries[0]!)).toEqual([0, 1000, 3000, 8000]);
  });

  it('gives up after its attempts, and at once on what trying again cannot fix', async () => {
    const timers = new ManualTimers();
    let n = 0;
    const limited = withRetries(
      async () => (n++, Promise.reject(network())),
      { attempts: 2, withinMs: 1e9, delaysMs: [0], timers },
      () => {},
    );
    await settle();
    timers.advance(0);
    await expect(limited).rejects.toThrow(/ended early/);
    expect(n).toBe(2);
    for (const err of [
      new DownloadError('not_found', 'no such file'),
      new DownloadError('checksum', 'corrupt'),
      new Error('bug'),
    ]) {
      let tries = 0;
      await expect(
        withRetries(
          async () => (tries++, Promise.reject(err)),
          { attempts: 8, withinMs: 1e9, delaysMs: [0], timers },
          () => {},
        ),
      ).rejects.toBe(err);
      expect(tries).toBe(1);
    }
  });

  it('retries a 5xx or 429 answer but not a 404', async () => {
    expect(new DownloadError('http', 'HTTP 503', { retryable: true }).retryable).toBe(true);
    expect(new DownloadError('not_found', 'HTTP 404').retryable).toBe(false);
    expect(network().retryable).toBe(true);
  });

  it('does not start a try past its time limit, and stops when the server stops', async () => {
    const timers = new ManualTimers();
    let tries = 0;
    const late = withRetries(
      async () => (tries++, Promise.reject(network())),
      { attempts: 8, withinMs: 1500, delaysMs: [1000], timers },
      () => {},
    );
    await settle();
    timers.advance(1000);
    await expect(late).rejects.toThrow();
    expect(tries).toBe(2);
    const abort = new AbortController();
    const stopped = withRetries(
      async () => Promise.reject(network()),
      { attempts: 8, withinMs: 1e9, delaysMs: [60_000], timers },
      () => {},
      abort.signal,
    );
    await settle();
    abort.abort();
    await expect(stopped).rejects.toThrow();
  });
});
