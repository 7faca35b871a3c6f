import { describe, expect, it } from 'vitest';
import { ShowIncompleteError, exportShow, importShow } from './transaction';
import { readShow } from './migrate';
import { minimalShow } from './test-show';
import type { ShowFile } from '../shared/show-file';
import type { PartCheck, ShowPart } from './transaction';

/** A part holding the bpm, as a store would: applying writes it, unless its "disk" is full. */
type BpmPart = ShowPart & { bpm: number; writes: number[] };

function bpmPart(name: string, o: { check?: PartCheck; fails?: boolean } = {}): BpmPart {
  const part: BpmPart = {
    bpm: 120,
    writes: [],
    name,
    read: () => ({ tempo: { bpm: part.bpm } }),
    check: () => o.check ?? {},
    apply: async (show: ShowFile) => {
      if (o.fails) throw new Error('the disk is full');
      part.bpm = show.tempo.bpm;
      part.writes.push(show.tempo.bpm);
    },
  };
  return part;
}

const show = (bpm: number) => readShow(JSON.stringify({ ...minimalShow(), tempo: { bpm } })).show;
const o = { scopeVersion: '9.9.9', log: () => {} };

describe('importing a show all or nothing', () => {
  it('applies every part in order and reports notes and the migration', async () => {
    const needs = { ...bpmPart('needs'), checkOnly: true };
    const a = bpmPart('a', { check: { notes: ['left something'] } });
    const b = bpmPart('b');
    const report = await importShow([needs, a, b], show(90), { ...o, migrated: [0] });
    expect(report).toEqual({ applied: ['a', 'b'], migrated: [0], notes: ['left something'] });
    expect([a.bpm, b.bpm]).toEqual([90, 90]);
  });

  it('applies nothing when any part objects, naming every problem', async () => {
    const a = bpmPart('a');
    const b = bpmPart('b', { check: { problems: ['cue "x" is wrong'] } });
    const c = bpmPart('c', { check: { problems: ['mapping 2 clashes'] } });
    await expect(importShow([a, b, c], show(90), o)).rejects.toThrow(
      'the show cannot be applied here: cue "x" is wrong; mapping 2 clashes; nothing was changed',
    );
    expect([a.writes, b.writes, c.writes]).toEqual([[], [], []]);
  });

  it('applies nothing when something is missing, and lists it', async () => {
    const missing = [{ kind: 'model' as const, name: 'sd-turbo', sha256: null, reason: 'not downloaded' }];
    const a = bpmPart('a');
    const err = await importShow([a, bpmPart('needs', { check: { missing } })], show(90), o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShowIncompleteError);
    expect((err as ShowIncompleteError).missing).toEqual(missing);
    expect(a.writes).toEqual([]);
  });

  it('puts back the parts applied before one that fails, last first, and says nothing changed', async () => {
    const logs: string[] = [];
    const a = bpmPart('a');
    const b = bpmPart('b');
    const c = bpmPart('c', { fails: true });
    const d = bpmPart('d');
    await expect(importShow([a, b, c, d], show(90), { ...o, log: (m) => logs.push(m) })).rejects.toThrow(
      'the show could not be applied (the c: the disk is full); nothing was changed',
    );
    expect([a.bpm, b.bpm, c.bpm, d.bpm]).toEqual([120, 120, 120, 120]);
    expect([a.writes, b.writes, d.writes]).toEqual([[90, 120], [90, 120], []]);
    expect(logs).toEqual(['Show import stopped at the c: the disk is full; what was applied before it was put back.']);
  });

  it('exports every part into one versioned document', async () => {
    const exported = await exportShow([bpmPart('a')], '9.9.9', new Date('2026-12-07T00:00:00Z'));
    expect(exported).toEqual({
      format: 'daydream-scope-show',
      version: 2,
      savedAt: '2026-12-07T00:00:00.000Z',
      scopeVersion: '9.9.9',
      tempo: { bpm: 120 },
    });
  });

  it('leaves alone a part that already holds the show (no write), and lists it as applied', async () => {
    const a = bpmPart('a');
    const report = await importShow([a], show(120), o);
    expect(report.applied).toEqual(['a']);
    expect(a.writes).toEqual([]);
  });
});
