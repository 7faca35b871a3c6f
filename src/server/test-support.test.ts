import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settles, waitFor } from './test-support';

// The helpers' own timers are faked: a timeout is reached by moving time, not by waiting for it.
describe('test timeouts say what they waited for and what they saw', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('waitFor: the wait, its limit and the last state seen', async () => {
    let frames = 0;
    const waiting = waitFor(
      () => frames >= 30,
      1000,
      '30 frames',
      () => ({ frames }),
    );
    const failed = expect(waiting).rejects.toThrow('timed out after 1000 ms waiting for 30 frames; saw {"frames":12}');
    frames = 12;
    await vi.advanceTimersByTimeAsync(1100);
    await failed;
  });

  it('waitFor resolves once the condition holds; a seen that throws does not hide the timeout', async () => {
    let up = false;
    const waiting = waitFor(() => up, 1000, 'the link');
    up = true;
    await vi.advanceTimersByTimeAsync(40);
    await expect(waiting).resolves.toBeUndefined();
    const broken = waitFor(
      () => false,
      100,
      'nothing',
      () => {
        throw new Error('no state');
      },
    );
    const failed = expect(broken).rejects.toThrow(/waiting for nothing; could not say what it saw \(no state\)/);
    await vi.advanceTimersByTimeAsync(200);
    await failed;
  });

  it('settles: the value in time, or a sentence once the time is up', async () => {
    await expect(settles(Promise.resolve(7), 1000, 'seven')).resolves.toBe(7);
    const never = new Promise<void>(() => undefined);
    const failed = expect(settles(never, 500, 'the stream to end', () => '3 parts read')).rejects.toThrow(
      'timed out after 500 ms waiting for the stream to end; saw 3 parts read',
    );
    await vi.advanceTimersByTimeAsync(600);
    await failed;
  });
});
