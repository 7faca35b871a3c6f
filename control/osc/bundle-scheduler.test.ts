import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BundleScheduler } from './bundle-scheduler';
import type { OscMessage, OscPacket } from './codec';

const msg = (address: string): OscMessage => ({ address, args: [] });

describe('BundleScheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('runs past and "immediately" bundles at once, in order, and future ones at their time', () => {
    const seen: string[] = [];
    const s = new BundleScheduler(10_000);
    const packet: OscPacket = {
      time: null,
      packets: [
        msg('/a'),
        { time: 1_000_500, packets: [msg('/later')] },
        { time: 5, packets: [msg('/past')] },
        msg('/b'),
      ],
    };
    s.run(packet, (m) => seen.push(m.address));
    expect(seen).toEqual(['/a', '/past', '/b']);
    expect(s.pending).toBe(1);
    vi.advanceTimersByTime(499);
    expect(seen).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['/a', '/past', '/b', '/later']);
    expect(s.pending).toBe(0);
  });

  it('with a bound of 0 (--osc-max-ahead 0) applies future bundles on arrival', () => {
    const seen: string[] = [];
    const s = new BundleScheduler(0);
    s.run({ time: 1_000_000 + 2_000, packets: [msg('/skewed')] }, (m) => seen.push(m.address));
    expect(seen).toEqual(['/skewed']);
    expect(s.pending).toBe(0);
  });

  it('caps how far ahead a bundle waits, and clear() drops what waits', () => {
    const seen: string[] = [];
    const s = new BundleScheduler(10_000);
    s.run({ time: 1_000_000 + 3_600_000, packets: [msg('/hour')] }, (m) => seen.push(m.address));
    vi.advanceTimersByTime(10_000);
    expect(seen).toEqual(['/hour']);
    s.run({ time: 1_000_000 + 20_000, packets: [msg('/dropped')] }, (m) => seen.push(m.address));
    s.clear();
    vi.advanceTimersByTime(60_000);
    expect(seen).toEqual(['/hour']);
  });
});
