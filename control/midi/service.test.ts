import { afterEach, describe, expect, it } from 'vitest';
import { FakeMidiBackend } from './test-backend';
import { bend, cc, mapping, noteOn, program, rig } from './test-support';
import { ManualTimers } from '../../src/kernel/timers';
import { p } from '../../src/params/spec';
import type { Rig } from './test-support';
import type { ParamChange } from '../../src/params/store';
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

describe('MIDI in', () => {
  it('writes through the ParamStore with the source midi:<device>', async () => {
    const r = await start({ mappings: [mapping('level', { kind: 'cc', number: 1 })] });
    const changes: ParamChange[] = [];
    r.params.onChange((c) => c.kind === 'value' && changes.push(c));
    r.backend.inject('Pad', cc(1, 1, 127));
    expect(changes).toMatchObject([{ path: 'level', value: 1, source: 'midi:Pad' }]);
    expect(r.service.status().received).toBe(1);
  });

  it('filters by channel and device', async () => {
    const r = await start({
      devices: ['Pad', 'Keys'],
      mappings: [mapping('level', { kind: 'cc', number: 1 }, { device: 'Pad', channel: 2 })],
    });
    r.backend.inject('Pad', cc(1, 1, 127));
    r.backend.inject('Keys', cc(2, 1, 127));
    expect(r.params.get('level')).toBe(0.5);
    r.backend.inject('Pad', cc(2, 1, 0));
    expect(r.params.get('level')).toBe(0);
  });

  it('assembles a 14-bit fader, an NRPN and pitch bend end to end', async () => {
    const r = await start({
      mappings: [
        mapping('level', { kind: 'cc14', number: 7 }),
        mapping('hue', { kind: 'nrpn', number: 300 }),
        mapping('steps', { kind: 'pitchbend' }),
      ],
    });
    r.backend.inject('Pad', cc(1, 7, 64), cc(1, 39, 64));
    expect(r.params.get('level')).toBeCloseTo(((64 << 7) | 64) / 16383, 9);
    r.backend.inject('Pad', cc(1, 99, 2), cc(1, 98, 44), cc(1, 6, 127), cc(1, 38, 127));
    expect(r.params.get('hue')).toBe(180);
    r.backend.inject('Pad', cc(1, 96, 0));
    expect(r.params.get('hue')).toBe(180);
    r.backend.inject('Pad', cc(1, 97, 0));
    expect(r.params.get('hue')).toBeCloseTo(180 - 360 / 128, 9);
    r.backend.inject('Pad', bend(1, 16383));
    expect(r.params.get('steps')).toBe(16);
  });

  it('lets the store clamp a mapping range wider than the parameter', async () => {
    const r = await start({ mappings: [mapping('level', { kind: 'cc', number: 1 }, { min: -4, max: 4 })] });
    r.backend.inject('Pad', cc(1, 1, 127));
    expect(r.params.get('level')).toBe(1);
  });

  it('keeps mappings of parameters the active pipeline lacks, inactive until they exist', async () => {
    const r = await start({ mappings: [mapping('warp', { kind: 'cc', number: 5 })] });
    r.backend.inject('Pad', cc(1, 5, 127));
    expect(r.params.get('warp')).toBeUndefined();
    expect(r.service.status().mappings.map((m) => m.param)).toEqual(['warp']);
    r.params.define({ warp: p.number(0, { min: 0, max: 2 }) });
    r.backend.inject('Pad', cc(1, 5, 127));
    expect(r.params.get('warp')).toBe(2);
  });

  it('recalls a preset on a program change no mapping claims', async () => {
    const recalled: [number, string][] = [];
    const r = await start({
      devices: ['Pad', 'Keys'],
      mappings: [mapping('mode', { kind: 'program' }, { device: 'Keys' })],
      recallPreset: (n, device) => recalled.push([n, device]),
    });
    r.backend.inject('Keys', program(1, 2));
    r.backend.inject('Pad', program(1, 7));
    expect(r.params.get('mode')).toBe('noise');
    expect(recalled).toEqual([[7, 'Pad']]);
  });

  it('soft takeover: after a change from the panel the knob must pick the value up again', async () => {
    const r = await start({ mappings: [mapping('level', { kind: 'cc', number: 1 }, { softTakeover: true })] });
    r.backend.inject('Pad', cc(1, 1, 64), cc(1, 1, 80));
    expect(r.params.get('level')).toBeCloseTo(80 / 127, 9);
    r.params.set('level', 0.1, 'panel');
    r.backend.inject('Pad', cc(1, 1, 90), cc(1, 1, 60));
    expect(r.params.get('level')).toBe(0.1);
    r.backend.inject('Pad', cc(1, 1, 10));
    expect(r.params.get('level')).toBeCloseTo(10 / 127, 9);
  });
});

describe('feedback', () => {
  it('sends a change from elsewhere to the mapped control, coalesced to the newest value', async () => {
    const r = await start({
      mappings: [
        mapping('level', { kind: 'cc', number: 20 }, { device: 'Pad' }),
        mapping('freeze', { kind: 'note', note: 36, mode: 'toggle' }, { device: 'Pad', channel: 10 }),
      ],
    });
    for (let i = 0; i <= 1000; i++) r.params.set('level', i / 1000, 'engine');
    r.params.set('freeze', true, 'panel');
    r.service.flushFeedback();
    expect(r.backend.take('Pad')).toEqual([
      [0xb0, 20, 127],
      [0x99, 36, 127],
    ]);
    r.service.flushFeedback();
    expect(r.backend.take('Pad')).toEqual([]);
  });

  it('sends each batch one feedback interval after the first change waiting in it', async () => {
    const timers = new ManualTimers();
    const r = await start({ mappings: [mapping('level', { kind: 'cc', number: 20 })], timers, feedbackIntervalMs: 20 });
    r.backend.inject('Pad', cc(1, 20, 0));
    r.params.set('level', 1, 'http');
    timers.advance(10);
    r.params.set('level', 0.5, 'http');
    timers.advance(9);
    expect(r.backend.take('Pad')).toEqual([]);
    timers.advance(1);
    expect(r.backend.take('Pad')).toEqual([[0xb0, 20, 64]]);
    timers.advance(100);
    expect(r.backend.take('Pad')).toEqual([]);
  });

  it('never echoes to the device that made the change, but tells the others', async () => {
    const r = await start({ devices: ['Pad', 'Fader'], mappings: [mapping('level', { kind: 'cc14', number: 0 })] });
    r.backend.inject('Fader', cc(1, 0, 0));
    r.backend.inject('Pad', cc(3, 0, 127));
    r.service.flushFeedback();
    expect(r.backend.take('Pad')).toEqual([]);
    expect(r.backend.take('Fader')).toEqual([
      [0xb0, 0, 127],
      [0xb0, 32, 127],
    ]);
  });

  it('answers on the channel the control last used when the mapping is omni', async () => {
    const r = await start({ mappings: [mapping('level', { kind: 'cc', number: 1 })] });
    r.backend.inject('Pad', cc(5, 1, 0));
    r.params.set('level', 1, 'http');
    r.service.flushFeedback();
    expect(r.backend.take('Pad')).toEqual([[0xb4, 1, 127]]);
  });

  it('shows the current values on a controller that was just plugged in, or after a pipeline load', async () => {
    const r = await start({ devices: [], mappings: [mapping('steps', { kind: 'cc', number: 9 }, { device: 'Late' })] });
    r.params.set('steps', 16, 'http');
    r.backend.plug('Late');
    r.service.rescan();
    r.service.flushFeedback();
    expect(r.backend.take('Late')).toEqual([[0xb0, 9, 127]]);
    r.params.define({ steps: p.int(0, { min: 0, max: 16 }) });
    r.service.refreshFeedback();
    r.service.flushFeedback();
    expect(r.backend.take('Late')).toEqual([[0xb0, 9, 0]]);
  });

  it('an any-device mapping talks back only to controllers that have used it', async () => {
    const r = await start({ devices: ['Pad', 'Synth'], mappings: [mapping('level', { kind: 'cc', number: 7 })] });
    r.backend.inject('Pad', cc(1, 7, 0));
    r.params.set('level', 1, 'http');
    r.service.flushFeedback();
    expect([r.backend.take('Pad'), r.backend.take('Synth')]).toEqual([[[0xb0, 7, 127]], []]);
  });

  it('keeps talking back to a controller after its mapping is adjusted', async () => {
    const r = await start({ mappings: [mapping('level', { kind: 'cc', number: 7 }, { id: 'k' })] });
    r.backend.inject('Pad', cc(2, 7, 0));
    await r.service.patchMapping('k', { invert: true });
    r.params.set('level', 1, 'http');
    r.service.flushFeedback();
    expect(r.backend.take('Pad')).toEqual([[0xb1, 7, 0]]);
  });

  it('sends only to the mapping’s own device', async () => {
    const r = await start({
      devices: ['Pad', 'Fader'],
      mappings: [mapping('level', { kind: 'cc', number: 1 }, { device: 'Fader' })],
    });
    r.params.set('level', 0, 'http');
    r.service.flushFeedback();
    expect([r.backend.take('Pad'), r.backend.take('Fader')]).toEqual([[], [[0xb0, 1, 0]]]);
  });

  it('a send that fails is counted and logged, and the others still go out', async () => {
    const r = await start({ devices: ['Pad', 'Fader'], mappings: [mapping('level', { kind: 'cc', number: 1 })] });
    r.backend.inject('Pad', cc(1, 1, 0));
    r.backend.inject('Fader', cc(1, 1, 0));
    r.backend.outputs = ['Fader'];
    r.params.set('level', 1, 'http');
    r.service.flushFeedback();
    expect(r.backend.take('Fader')).toEqual([[0xb0, 1, 127]]);
    expect(r.service.status().errors).toBe(1);
    expect(r.logs.some((l) => l.includes('could not send feedback to Pad'))).toBe(true);
  });
});

describe('ports and hot-plug', () => {
  it('opens all inputs and the outputs of the same name', async () => {
    const backend = new FakeMidiBackend({ inputs: ['Pad', 'Keys'], outputs: ['Pad', 'Synth'] });
    const r = await start({ backend, devices: [] });
    const status = r.service.status();
    expect(status.inputs).toEqual([
      { name: 'Pad', open: true },
      { name: 'Keys', open: true },
    ]);
    expect(status.outputs).toEqual([
      { name: 'Pad', open: true },
      { name: 'Synth', open: false },
    ]);
  });

  it('opens the chosen ports by name or index', async () => {
    const backend = new FakeMidiBackend({ inputs: ['Pad', 'Keys', 'Fader'], outputs: ['Synth', 'Pad'] });
    const r = await start({ backend, devices: [], inputs: ['keys', 2], outputs: [0] });
    expect(
      r.service
        .status()
        .inputs.filter((i) => i.open)
        .map((i) => i.name),
    ).toEqual(['Keys', 'Fader']);
    expect(
      r.service
        .status()
        .outputs.filter((o) => o.open)
        .map((o) => o.name),
    ).toEqual(['Synth']);
  });

  it('notices controllers plugged in and out and reopens them', async () => {
    const r = await start({ devices: [], mappings: [mapping('level', { kind: 'cc', number: 1 })] });
    const emitted = r.emitted.length;
    r.backend.plug('Keys');
    r.service.rescan();
    expect(r.backend.isInputOpen('Keys')).toBe(true);
    expect(r.backend.isOutputOpen('Keys')).toBe(true);
    expect(r.emitted.length).toBe(emitted + 1);
    expect((r.emitted.at(-1) as MidiStatus).inputs).toEqual([{ name: 'Keys', open: true }]);
    r.backend.inject('Keys', cc(1, 1, 0));
    expect(r.params.get('level')).toBe(0);

    r.backend.unplug('Keys');
    r.service.rescan();
    expect(r.backend.isInputOpen('Keys')).toBe(false);
    expect(r.service.status().inputs).toEqual([]);

    r.backend.plug('Keys');
    r.service.rescan();
    r.backend.inject('Keys', cc(1, 1, 127));
    expect(r.params.get('level')).toBe(1);
    r.service.rescan();
    expect(r.emitted.length).toBe(emitted + 3);
  });

  it('rescans on its own every rescanMs', async () => {
    const timers = new ManualTimers();
    const r = await start({ devices: [], rescanMs: 10, timers });
    r.backend.plug('Late');
    timers.advance(9);
    expect(r.backend.isInputOpen('Late')).toBe(false);
    timers.advance(1);
    expect(r.backend.isInputOpen('Late')).toBe(true);
    r.backend.plug('Later');
    timers.advance(10);
    expect(r.backend.isInputOpen('Later')).toBe(true);
  });

  it('reports a port that fails to open once, and opens it when it can', async () => {
    const r = await start({ devices: [] });
    r.backend.plug('Busy');
    r.backend.failOpen.add('Busy');
    r.service.rescan();
    r.service.rescan();
    expect(r.logs.filter((l) => l.includes('could not open input "Busy"'))).toHaveLength(1);
    expect(r.service.status().errors).toBeGreaterThan(0);
    r.backend.failOpen.delete('Busy');
    r.service.rescan();
    expect(r.backend.isInputOpen('Busy')).toBe(true);
  });

  it('closes every port on stop', async () => {
    const r = await start({ devices: ['Pad'] });
    await r.service.stop();
    expect([r.backend.isInputOpen('Pad'), r.backend.isOutputOpen('Pad')]).toEqual([false, false]);
  });
});

describe('note and program mappings through the service', () => {
  it('toggles a bool on each press', async () => {
    const r = await start({ mappings: [mapping('freeze', { kind: 'note', note: 40, mode: 'toggle' })] });
    r.backend.inject('Pad', noteOn(1, 40), noteOn(1, 40, 0), noteOn(1, 40));
    expect(r.params.get('freeze')).toBe(false);
    r.backend.inject('Pad', noteOn(1, 40));
    expect(r.params.get('freeze')).toBe(true);
  });
});
