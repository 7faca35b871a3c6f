import { describe, expect, it } from 'vitest';
import { MtcOut } from './mtc-out';
import { fullFrame, quarterFrame } from './mtc';
import type { MtcPosition } from './mtc-out';

function out(start: MtcPosition) {
  let p: MtcPosition | undefined = start;
  const sent: number[][] = [];
  const mtc = new MtcOut(
    () => p,
    (b) => sent.push([...b]),
  );
  return { mtc, sent, set: (next: MtcPosition | undefined) => (p = next), take: () => sent.splice(0) };
}

describe('MTC out', () => {
  it('stopped: one full frame per position, none while it stays', () => {
    const o = out({ frames: 500, rate: '30', running: false });
    o.mtc.pump(0);
    o.mtc.pump(10);
    expect(o.take()).toEqual([fullFrame(500, '30')]);
    o.set({ frames: 900, rate: '30', running: false });
    o.mtc.pump(20);
    expect(o.take()).toEqual([fullFrame(900, '30')]);
  });

  it('running: a full frame at the start, then each quarter frame once, in order, as it falls due', () => {
    const o = out({ frames: 100, rate: '24', running: false });
    o.mtc.pump(0);
    o.take();
    o.set({ frames: 100, rate: '24', running: true });
    o.mtc.pump(0);
    expect(o.take()).toEqual([fullFrame(100, '24')]);
    o.set({ frames: 100.5, rate: '24', running: true });
    o.mtc.pump(1);
    o.mtc.pump(1);
    expect(o.take()).toEqual([quarterFrame(100, '24', 1), quarterFrame(100, '24', 2)]);
    o.set({ frames: 102.25, rate: '24', running: true });
    o.mtc.pump(2);
    expect(o.take()).toEqual([
      quarterFrame(100, '24', 3),
      quarterFrame(100, '24', 4),
      quarterFrame(100, '24', 5),
      quarterFrame(100, '24', 6),
      quarterFrame(100, '24', 7),
      quarterFrame(102, '24', 0),
      quarterFrame(102, '24', 1),
    ]);
  });

  it('a jump, a step back, a change of rate or a stop each send a full frame', () => {
    const o = out({ frames: 10, rate: '25', running: true });
    o.mtc.pump(0);
    o.set({ frames: 50, rate: '25', running: true });
    o.mtc.pump(1);
    o.set({ frames: 49, rate: '25', running: true });
    o.mtc.pump(2);
    o.set({ frames: 49, rate: '30', running: true });
    o.mtc.pump(3);
    o.set({ frames: 49.5, rate: '30', running: false });
    o.mtc.pump(4);
    expect(o.take()).toEqual([
      fullFrame(10, '25'),
      fullFrame(50, '25'),
      fullFrame(49, '25'),
      fullFrame(49, '30'),
      fullFrame(49, '30'),
    ]);
  });
});
