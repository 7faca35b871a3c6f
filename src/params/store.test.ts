import { describe, expect, it } from 'vitest';
import { ParamStore } from './store';
import type { ParamChange } from './store';
import { p } from './spec';

function store() {
  const s = new ParamStore();
  s.define({
    zoom: p.number(1, { min: 0.1, max: 8 }),
    glide: p.number(0, { min: 0, max: 10, smoothing: 0.5 }),
    seed: p.int(7, { min: 0, max: 1000, mode: 'load' }),
    flash: p.trigger(),
    tint: p.color('#000000'),
  });
  return s;
}

describe('ParamStore', () => {
  it('clamps, records and notifies once with the source', () => {
    const s = store();
    const seen: ParamChange[] = [];
    s.onChange((c) => c.kind === 'value' && seen.push(c));
    expect(s.set('zoom', 50, 'osc')).toEqual({ ok: true, value: 8, changed: true });
    expect(s.get('zoom')).toBe(8);
    expect(seen).toEqual([{ kind: 'value', path: 'zoom', value: 8, previous: 1, source: 'osc', mode: 'runtime' }]);
    // Setting the same value again is not a change.
    expect(s.set('zoom', 8, 'osc')).toMatchObject({ changed: false });
    expect(seen).toHaveLength(1);
  });

  it('rejects unknown paths and bad values without changing anything', () => {
    const s = store();
    const seen: ParamChange[] = [];
    s.onChange((c) => c.kind === 'value' && seen.push(c));
    expect(s.set('nope', 1, 'http')).toMatchObject({ ok: false });
    expect(s.set('zoom', Number.NaN, 'http')).toMatchObject({ ok: false });
    expect(s.get('zoom')).toBe(1);
    expect(seen).toEqual([]);
    expect(s.rejected).toBe(2);
    expect(s.lastRejection?.path).toBe('zoom');
  });

  it('setMany is all or nothing', () => {
    const s = store();
    const r = s.setMany({ zoom: 2, tint: 'purple' }, 'http');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual(['tint']);
    expect(s.get('zoom')).toBe(1);
    expect(s.setMany({ zoom: 2, tint: '#FF0000' }, 'http')).toEqual({ ok: true, values: { zoom: 2, tint: '#ff0000' } });
  });

  it('rejects a "__proto__" key like any unknown parameter', () => {
    const s = store();
    const r = s.setMany(JSON.parse('{"__proto__": {"zoom": 3}, "zoom": 2}') as Record<string, unknown>, 'http');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors)).toEqual(['__proto__']);
    expect(s.get('zoom')).toBe(1);
  });

  it('fires a trigger in exactly one snapshot', () => {
    const s = store();
    s.set('flash', true, 'midi');
    expect(s.snapshot(1 / 30).flash).toBe(true);
    expect(s.snapshot(1 / 30).flash).toBe(false);
  });

  it('smooths towards a new value at frame boundaries, independent of frame rate', () => {
    const s = store();
    s.snapshot(0);
    s.set('glide', 10, 'midi');
    const first = s.snapshot(0.5).glide as number;
    // One time constant reaches 1 - 1/e of the step.
    expect(first).toBeCloseTo(10 * (1 - Math.exp(-1)), 5);
    expect(s.get('glide')).toBe(10);
    let v = first;
    for (let i = 0; i < 200; i++) v = s.snapshot(0.05).glide as number;
    expect(v).toBe(10);
  });

  it('keeps still-valid values across a redefinition', () => {
    const s = store();
    s.set('zoom', 3, 'http');
    const kept = s.current();
    s.define({ zoom: p.number(1, { min: 0, max: 2 }), other: p.bool(true) }, kept);
    expect(s.get('zoom')).toBe(2);
    expect(s.get('other')).toBe(true);
  });

  it('a throwing listener does not stop others', () => {
    const s = store();
    let called = false;
    s.onChange(() => {
      throw new Error('boom');
    });
    s.onChange(() => (called = true));
    s.set('zoom', 2, 'ws');
    expect(called).toBe(true);
  });

  it('keeps global parameters and their values across a pipeline load, until removed', () => {
    const s = store();
    s.defineGlobal({ xfade: p.number(0, { min: 0, max: 1 }) });
    s.set('xfade', 0.25, 'midi');
    s.define({ other: p.bool(true) });
    expect(s.get('xfade')).toBe(0.25);
    expect(Object.keys(s.all()).sort()).toEqual(['other', 'xfade']);
    expect(s.isGlobal('xfade')).toBe(true);
    s.removeGlobal(['xfade']);
    expect(s.set('xfade', 1, 'osc')).toMatchObject({ ok: false });
  });

  it('lets a gate take over accepted writes: nothing changes until it applies them', () => {
    const s = store();
    const held: { values: Record<string, unknown>; source: string; quantize?: string }[] = [];
    s.setGate((values, source, options) => {
      if (options.quantize === 'off' || source === 'cli') return undefined;
      held.push({ values, source, quantize: options.quantize });
      return 4;
    });
    const seen: ParamChange[] = [];
    s.onChange((c) => c.kind === 'value' && seen.push(c));
    expect(s.set('zoom', 50, 'osc', { quantize: 'bar' })).toEqual({ ok: true, value: 8, changed: false, scheduled: 4 });
    expect(s.setMany({ zoom: 2, tint: '#ff0000' }, 'http')).toEqual({
      ok: true,
      values: { zoom: 2, tint: '#ff0000' },
      scheduled: 4,
    });
    // An invalid patch is rejected before the gate sees it.
    expect(s.setMany({ zoom: 'x' }, 'http')).toMatchObject({ ok: false });
    expect(held).toEqual([
      { values: { zoom: 8 }, source: 'osc', quantize: 'bar' },
      { values: { zoom: 2, tint: '#ff0000' }, source: 'http', quantize: undefined },
    ]);
    expect(s.get('zoom')).toBe(1);
    expect(seen).toEqual([]);
    expect(s.setMany(held[1]!.values, 'http', { quantize: 'off' })).toMatchObject({ ok: true });
    expect(s.get('zoom')).toBe(2);
    expect(seen.map((c) => c.path)).toEqual(['zoom', 'tint']);
  });
});
