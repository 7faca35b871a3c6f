import { describe, expect, it } from 'vitest';
import { FlowTable, parseStepList, shiftSigma } from './schedule';

describe('flow-matching schedule', () => {
  it('warps the nominal list through the shift: 750 -> 937.5 at shift 5, as LongLive does upstream', () => {
    const table = new FlowTable(5);
    // σ(s) = 5s / (1 + 4s): s = 0.75 -> 3.75 / 4 = 0.9375; s = 0.5 -> 2.5 / 3; s = 0.25 -> 1.25 / 2.
    const steps = table.steps([1000, 750, 500, 250], true);
    expect(steps.map((s) => s.timestep)).toEqual([1000, 937.5, 2500 / 3, 625]);
    expect(steps.map((s) => s.sigma)).toEqual([1, 0.9375, 2.5 / 3, 0.625]);
  });

  it('feeds the nominal value unwarped when the model was trained so (StreamDiffusionV2, shift 8)', () => {
    const table = new FlowTable(8);
    const [first, second] = table.steps([700, 500], false);
    expect(first!.timestep).toBe(700);
    expect(second!.timestep).toBe(500);
    // σ is that of the table entry nearest the timestep: the entry k with 1000·σ(1 - k/1000) closest to 700.
    let best = 0;
    for (let k = 0; k < 1000; k++) {
      const t = 1000 * shiftSigma(1 - k / 1000, 8);
      if (Math.abs(t - 700) < Math.abs(1000 * shiftSigma(1 - best / 1000, 8) - 700)) best = k;
    }
    expect(first!.sigma).toBe(shiftSigma(1 - best / 1000, 8));
    expect(first!.sigma).toBeCloseTo(0.7, 3);
  });

  it('a warped 0 stays 0, and unshifted tables are the identity on the thousand grid', () => {
    expect(new FlowTable(5).warp(0)).toBe(0);
    const flat = new FlowTable(1);
    expect(flat.steps([1000, 750, 500, 250], true).map((s) => s.sigma)).toEqual([1, 0.75, 0.5, 0.25]);
    expect(() => flat.warp(937.5)).toThrow(/integer from 0 to 1000/);
  });

  it('parses step lists, dropping the trailing 0, and refuses what cannot be a schedule', () => {
    expect(parseStepList('1000, 750,500 250')).toEqual([1000, 750, 500, 250]);
    expect(parseStepList('700,500,400,200,0')).toEqual([700, 500, 400, 200]);
    expect(() => parseStepList('')).toThrow(/empty/);
    expect(() => parseStepList('500, 750')).toThrow(/must fall/);
    expect(() => parseStepList('1200')).toThrow(/from 1 to 1000/);
    expect(() => parseStepList('7.5e2')).toThrow(/integers/);
    expect(() => parseStepList('9,8,7,6,5,4,3,2,1')).toThrow(/at most 8/);
  });
});
