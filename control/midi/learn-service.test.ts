import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { cc, mapping, mappingsAfterRestart, noteOn, rig, switchableDisk } from './test-support';
import { ScopeError } from '../../src/kernel/errors';
import { ManualTimers } from '../../src/kernel/timers';
import type { Rig } from './test-support';
import type { MidiStatus } from '../../src/shared/midi';

const rigs: Rig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});
async function start(...args: Parameters<typeof rig>): Promise<Rig> {
  const r = await rig(...args);
  rigs.push(r);
  return r;
}

const lastStatus = (r: Rig) => r.emitted.at(-1) as MidiStatus;

describe('MIDI learn through the service', () => {
  it('binds the next moving control, announces it and saves it', async () => {
    const r = await start();
    const learning = r.service.learn('level');
    expect(learning).toMatchObject({ param: 'level' });
    expect(lastStatus(r).learning).toEqual(learning);
    r.backend.inject('Pad', cc(4, 74, 100));
    // The learning message teaches only; it does not move the parameter.
    expect(r.params.get('level')).toBe(0.5);
    const status = lastStatus(r);
    expect(status.learning).toBeNull();
    expect(status.mappings).toMatchObject([
      { param: 'level', device: 'Pad', channel: 4, control: { kind: 'cc', number: 74 }, softTakeover: false },
    ]);
    expect(r.logs.at(-1)).toBe('MIDI learn: CC 74 (ch 4) on Pad now drives "level".');
    await r.service.saved();
    const saved = JSON.parse(await readFile(r.file, 'utf8')) as { mappings: unknown[] };
    expect(saved.mappings).toEqual(status.mappings);
    r.backend.inject('Pad', cc(4, 74, 127));
    expect(r.params.get('level')).toBe(1);
  });

  it('detects a 14-bit pair from MSB + LSB', async () => {
    const r = await start();
    r.service.learn('hue');
    r.backend.inject('Pad', cc(1, 2, 64), cc(1, 34, 1));
    expect(r.service.mappings()[0]!.control).toEqual({ kind: 'cc14', number: 2 });
  });

  it('binds a 7-bit CC 0-31 when no LSB follows in pairWaitMs', async () => {
    const timers = new ManualTimers();
    const r = await start({ pairWaitMs: 150, timers });
    r.service.learn('level');
    r.backend.inject('Pad', cc(1, 7, 64));
    timers.advance(149);
    expect(r.service.mappings()).toEqual([]);
    timers.advance(1);
    expect(r.service.mappings()[0]!.control).toEqual({ kind: 'cc', number: 7 });
  });

  it('learns an NRPN and a note with the mode asked for', async () => {
    const r = await start();
    r.service.learn('hue');
    r.backend.inject('Pad', cc(1, 99, 0), cc(1, 98, 12), cc(1, 6, 3));
    r.service.learn('freeze', { mode: 'momentary' });
    r.backend.inject('Pad', noteOn(10, 38));
    expect(r.service.mappings().map((m) => m.control)).toEqual([
      { kind: 'nrpn', number: 12 },
      { kind: 'note', note: 38, mode: 'momentary' },
    ]);
  });

  it('gives up after the timeout, says so, and binds nothing', async () => {
    const timers = new ManualTimers();
    const r = await start({ timers });
    r.service.learn('level', { timeoutMs: 30_000 });
    timers.advance(29_999);
    expect(r.service.status().learning).toMatchObject({ param: 'level', since: timers.now() - 29_999 });
    timers.advance(1);
    expect(r.service.status().learning).toBeNull();
    expect(lastStatus(r).learning).toBeNull();
    expect(r.logs.at(-1)).toBe('MIDI learn for "level" timed out: no control moved.');
    r.backend.inject('Pad', cc(1, 74, 1));
    expect(r.service.mappings()).toEqual([]);
  });

  it('can be cancelled', async () => {
    const r = await start();
    r.service.learn('level');
    expect(r.service.cancelLearn()).toBe(true);
    expect(lastStatus(r).learning).toBeNull();
    r.backend.inject('Pad', cc(1, 74, 1));
    expect(r.service.mappings()).toEqual([]);
    expect(r.service.cancelLearn()).toBe(false);
  });

  it('replaces the mapping a control already had', async () => {
    const r = await start({ mappings: [mapping('level', { kind: 'cc', number: 74 }, { device: 'Pad', channel: 1 })] });
    r.service.learn('hue');
    r.backend.inject('Pad', cc(1, 74, 1));
    expect(r.service.mappings().map((m) => m.param)).toEqual(['hue']);
  });

  it('on a full disk undoes the learned mapping and says why in the log and the status', async () => {
    const disk = switchableDisk();
    const old = mapping('level', { kind: 'cc', number: 74 }, { device: 'Pad', channel: 1 });
    const r = await start({ mappings: [old], write: disk.write });
    disk.full = true;
    r.service.learn('hue');
    r.backend.inject('Pad', cc(1, 74, 1));
    // The panel hears the new binding at once, then its undoing once the write failed.
    expect(lastStatus(r).mappings.map((m) => m.param)).toEqual(['hue']);
    await r.service.saved();
    const status = lastStatus(r);
    expect(status.mappings).toEqual([old]);
    expect(status.saveError).toMatch(
      /^could not save the MIDI mappings .*the disk is full \(ENOSPC\); nothing was changed/,
    );
    expect(status.errors).toBe(1);
    expect(r.logs.at(-1)).toBe(status.saveError);
    expect(await mappingsAfterRestart(r.file)).toEqual([old]);
    // The old binding still drives its parameter.
    r.backend.inject('Pad', cc(1, 74, 127));
    expect(r.params.get('level')).toBe(1);
  });

  it('refuses unknown and unmappable parameters with the HTTP error', async () => {
    const r = await start();
    expect(() => r.service.learn('nope')).toThrow(ScopeError);
    expect(() => r.service.learn('nope')).toThrow(/unknown parameter "nope"/);
    expect(() => r.service.learn('prompt')).toThrow(/text parameter/);
    expect(r.service.status().learning).toBeNull();
  });

  it('ignores clock, active sensing and sysex while learning', async () => {
    const r = await start();
    r.service.learn('level');
    r.backend.inject('Pad', [0xf8], [0xfe], [0xf0, 0x7e, 0xf7]);
    expect(r.service.status().learning).toMatchObject({ param: 'level' });
    expect(r.service.status().received).toBe(0);
  });
});
