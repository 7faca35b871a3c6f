import { describe, expect, it } from 'vitest';
import { UniverseMerge } from './universe-merge';

const u = (...levels: number[]) => Uint8Array.from(levels);

describe('UniverseMerge', () => {
  it('ltp: the whole universe of the source heard last wins', () => {
    const m = new UniverseMerge('ltp');
    m.put('desk', u(255, 10), 100, 0);
    m.put('backup', u(0, 20), 100, 10);
    expect([...m.levels(10).subarray(0, 2)]).toEqual([0, 20]);
    m.put('desk', u(100, 0), 100, 20);
    expect([...m.levels(20).subarray(0, 2)]).toEqual([100, 0]);
  });

  it('htp: each channel takes its highest level', () => {
    const m = new UniverseMerge('htp');
    m.put('a', u(255, 10, 0), 100, 0);
    m.put('b', u(0, 20, 5), 100, 0);
    expect([...m.levels(0).subarray(0, 3)]).toEqual([255, 20, 5]);
  });

  it('a higher sACN priority shadows lower ones until it goes silent past the timeout', () => {
    const m = new UniverseMerge('htp', 2500);
    m.put('main', u(50), 150, 0);
    m.put('low', u(200), 100, 0);
    expect(m.levels(0)[0]).toBe(50);
    m.put('low', u(210), 100, 2600);
    expect(m.levels(2600)[0]).toBe(210);
    expect(m.live(2600)).toBe(1);
  });

  it('a terminated stream counts no more at once; with nobody left the last levels are held', () => {
    const m = new UniverseMerge('ltp');
    m.put('a', u(9), 100, 0);
    expect(m.levels(0)[0]).toBe(9);
    m.drop('a');
    expect(m.live(0)).toBe(0);
    expect(m.levels(10_000)[0]).toBe(9);
  });
});
