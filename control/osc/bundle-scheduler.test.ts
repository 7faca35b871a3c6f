import { describe, expect, it } from 'vitest';
import { BundleScheduler } from './bundle-scheduler';
import { ManualTimers } from '../../src/kernel/timers';
import { decodePacket, encodeMessage } from './codec';
import { decodedSize } from './decoded-size';
import { bundleAt } from './test-support';
import type { OscMessage, OscPacket } from './codec';

const msg = (address: string): OscMessage => ({ address, args: [] });

function rig(options: ConstructorParameters<typeof BundleScheduler>[0] = {}) {
  const timers = new ManualTimers(1_000_000);
  const seen: string[] = [];
  const dropped: string[] = [];
  const s = new BundleScheduler({ timers, onDrop: (why) => dropped.push(why), ...options });
  const run = (packet: OscPacket, bytes = 100) => s.run(packet, (m) => seen.push(m.address), bytes);
  return { timers, seen, dropped, s, run };
}

describe('BundleScheduler', () => {
  it('runs past and "immediately" bundles at once, in order, and future ones at their time', () => {
    const { timers, seen, s, run } = rig({ maxAheadMs: 10_000 });
    run({
      time: null,
      packets: [
        msg('/a'),
        { time: 1_000_500, packets: [msg('/later')] },
        { time: 5, packets: [msg('/past')] },
        msg('/b'),
      ],
    });
    expect(seen).toEqual(['/a', '/past', '/b']);
    expect(s.pending).toBe(1);
    timers.advance(499);
    expect(seen).toHaveLength(3);
    timers.advance(1);
    expect(seen).toEqual(['/a', '/past', '/b', '/later']);
    expect(s.pending).toBe(0);
    expect(s.pendingBytes).toBe(0);
  });

  it('with a bound of 0 (--osc-max-ahead 0) applies future bundles on arrival', () => {
    const { seen, s, run } = rig({ maxAheadMs: 0 });
    run({ time: 1_000_000 + 2_000, packets: [msg('/skewed')] });
    expect(seen).toEqual(['/skewed']);
    expect(s.pending).toBe(0);
  });

  it('drops and counts a bundle tagged beyond the bound instead of holding it', () => {
    const { timers, seen, dropped, s, run } = rig({ maxAheadMs: 10_000 });
    run({ time: 1_000_000 + 3_600_000, packets: [msg('/hour')] });
    run({ time: 1_000_000 + 10_000, packets: [msg('/edge')] });
    expect(dropped).toEqual(['osc_bundle_too_far_ahead']);
    expect(s.pending).toBe(1);
    timers.advance(3_600_000);
    expect(seen).toEqual(['/edge']);
  });

  it('caps what waits by count and by bytes (wire plus decoded); the rest is dropped and counted', () => {
    const big = { time: 1_002_000, packets: [msg('/big')] };
    const cap = 900 + decodedSize(big);
    const { timers, seen, dropped, s, run } = rig({ maxPending: 3, maxPendingBytes: cap });
    for (let i = 0; i < 5; i++) run({ time: 1_001_000, packets: [msg(`/n${i}`)] }, 10);
    expect(s.pending).toBe(3);
    expect(dropped.filter((d) => d === 'osc_bundles_pending_full')).toHaveLength(2);
    timers.advance(1000);
    expect(seen).toEqual(['/n0', '/n1', '/n2']);

    run(big, 900);
    run({ time: 1_002_000, packets: [msg('/too-big')] }, 200);
    expect(s.pendingBytes).toBe(cap);
    expect(dropped).toHaveLength(3);
    // Once held bundles have run, there is room again.
    timers.advance(1000);
    run({ time: 1_003_000, packets: [msg('/room')] }, 200);
    expect(s.pending).toBe(1);
  });

  it('counts a held bundle decoded: one small on the wire but huge decoded is dropped, a plain one of its size held', () => {
    const MiB = 1024 * 1024;
    const { dropped, s } = rig({ maxPendingBytes: MiB });
    // 2,000 messages of 60 `T` arguments: 136 KB on the wire (an eighth of the cap), about 6 MB decoded.
    const trues = Array.from({ length: 60 }, () => ({ type: 'T', value: true }));
    const flags = bundleAt(
      1_005_000,
      ...Array.from({ length: 2000 }, () => Buffer.from(encodeMessage({ address: '/a', args: trues }))),
    );
    // One string of the same wire size decodes to little more than itself.
    const text = bundleAt(
      1_005_000,
      Buffer.from(encodeMessage({ address: '/a', args: [{ type: 's', value: 'x'.repeat(flags.length - 64) }] })),
    );
    for (const datagram of [flags, text]) {
      const decoded = decodePacket(datagram);
      if (!decoded.ok) throw new Error(decoded.reason);
      s.run(decoded.packet, () => {}, datagram.length);
    }
    expect(flags.length).toBeLessThan(MiB / 4);
    expect(dropped).toEqual(['osc_bundles_pending_full']);
    expect(s.pending).toBe(1);
    expect(s.pendingBytes).toBeLessThanOrEqual(MiB);
  });

  it('clear() drops what waits', () => {
    const { timers, seen, s, run } = rig();
    run({ time: 1_000_000 + 2_000, packets: [msg('/dropped')] });
    s.clear();
    timers.advance(60_000);
    expect(seen).toEqual([]);
    expect(s.pending).toBe(0);
  });
});

describe('BundleScheduler.admits (before a decode)', () => {
  it('answers from the timetag and size alone, counting what it refuses', () => {
    const { dropped, s, run } = rig({ maxAheadMs: 10_000, maxPending: 1 });
    expect(s.admits(null, 100)).toBe(true);
    expect(s.admits(999_000, 100)).toBe(true);
    expect(s.admits(1_000_000 + 20_000, 100)).toBe(false);
    expect(s.admits(1_001_000, 100)).toBe(true);
    run({ time: 1_001_000, packets: [msg('/held')] });
    expect(s.admits(1_001_000, 100)).toBe(false);
    expect(s.admits(999_000, 100)).toBe(true);
    expect(dropped).toEqual(['osc_bundle_too_far_ahead', 'osc_bundles_pending_full']);
  });
});
