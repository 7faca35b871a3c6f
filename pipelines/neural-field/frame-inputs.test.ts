import { describe, expect, it } from 'vitest';
import { FrameInputs } from './frame-inputs';
import type { FieldControls } from './frame-inputs';

const neutral: FieldControls = {
  zoom: 1,
  speed: 1,
  walk: 1,
  spin: 0,
  hue: 0,
  palette: 'rgb',
  symmetry: 'none',
  contrast: 1,
  saturation: 1,
  brightness: 0,
  shading: 0.5,
};

/** Applies the grade rows to an RGB colour in 0..1, as the graph does (before clipping). */
function graded(inputs: FrameInputs, rgb: [number, number, number]): number[] {
  return [0, 1, 2, 3].map((j) => {
    let v = inputs.grade[j * 4 + 3]!;
    for (let i = 0; i < 3; i++) v += inputs.grade[j * 4 + i]! * rgb[i]!;
    return v;
  });
}

function update(c: Partial<FieldControls>, time = 0): FrameInputs {
  const inputs = new FrameInputs(1, 8);
  inputs.update(time, { ...neutral, ...c });
  return inputs;
}

describe('FrameInputs', () => {
  it('grades neutrally to bytes (+0.5 for rounding) with an opaque alpha', () => {
    const out = graded(update({}), [1, 0.5, 0]);
    expect(out[0]).toBeCloseTo(255.5, 3);
    expect(out[1]).toBeCloseTo(128, 3);
    expect(out[2]).toBeCloseTo(0.5, 3);
    expect(out[3]).toBeGreaterThanOrEqual(255);
  });

  it('rotates hue about the grey axis: red turns green at 120°, grey stays grey', () => {
    const inputs = update({ hue: 120 });
    const red = graded(inputs, [1, 0, 0]);
    expect(red[0]).toBeCloseTo(0.5, 3);
    expect(red[1]).toBeCloseTo(255.5, 3);
    expect(red[2]).toBeCloseTo(0.5, 3);
    for (const v of graded(inputs, [0.4, 0.4, 0.4]).slice(0, 3)) expect(v).toBeCloseTo(102.5, 3);
  });

  it('saturation 0 gives luma in every channel; contrast pivots on mid-grey', () => {
    const grey = graded(update({ saturation: 0 }), [1, 0, 0]);
    for (const v of grey.slice(0, 3)) expect(v).toBeCloseTo(0.2126 * 255 + 0.5, 3);
    const contrast = update({ contrast: 2 });
    for (const v of graded(contrast, [0.5, 0.5, 0.5]).slice(0, 3)) expect(v).toBeCloseTo(128, 3);
    expect(graded(contrast, [0.75, 0.75, 0.75])[0]).toBeCloseTo(255.5, 3);
  });

  it('sets the fold for each symmetry', () => {
    expect(update({ symmetry: 'none' }).fold[4]).toBe(0);
    const k6 = update({ symmetry: 'kaleido-6' }).fold;
    expect(k6[0]).toBeCloseTo(Math.PI / 3, 6);
    expect(k6[1]).toBeCloseTo(3 / Math.PI, 5);
    expect(k6[2]).toBeCloseTo(Math.PI / 6, 6);
    expect(k6[4]).toBe(1);
    expect(update({ symmetry: 'mirror-x' }).fold[2]).toBeCloseTo(Math.PI, 6);
    expect(update({ symmetry: 'mirror-xy' }).fold[2]).toBeCloseTo(Math.PI / 2, 6);
  });

  it('selects the network colour for rgb and a palette otherwise', () => {
    expect(update({ palette: 'rgb' }).mix[0]).toBe(1);
    const oil = update({ palette: 'oil', shading: 0.25 });
    expect(oil.mix[0]).toBe(0);
    expect(oil.mix[1]).toBe(0.25);
  });

  it('walks the latent vector with time and speed, integrating so speed changes do not jump', () => {
    const still = update({ speed: 0 }, 10);
    expect([...still.latent]).toEqual([...update({}, 0).latent]);
    expect([...update({}, 10).latent]).not.toEqual([...update({}, 0).latent]);
    // 2 s at speed 1 then 2 s at speed 0 ends where 2 s at speed 1 ends.
    const inputs = new FrameInputs(1, 8);
    inputs.update(2, neutral);
    inputs.update(4, { ...neutral, speed: 0 });
    expect([...inputs.latent]).toEqual([...update({}, 2).latent]);
    expect(Math.max(...update({ walk: 0 }, 5).latent.map(Math.abs))).toBe(0);
  });
});
