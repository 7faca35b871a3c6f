import { describe, expect, it } from 'vitest';
import { easyToBytes, easymidiBackend, sendBytes } from './easymidi-backend';
import { FakeMidiBackend } from './test-backend';
import { rig } from './test-support';

describe('easymidi backend', () => {
  // This machine has no ALSA sequencer: RtMidi cannot start. Elsewhere the backend may well work.
  it('on a machine without MIDI, init() rejects with a sentence and nothing throws later', async () => {
    const backend = easymidiBackend();
    const result = await backend.init().then(
      () => 'available',
      (err: Error) => err.message,
    );
    if (result !== 'available') {
      expect(result).toMatch(/^MIDI is unavailable: /);
      expect(result).toMatch(/RtMidi/);
    }
  });

  it('the service reports it unavailable once, with the reason, and keeps running', async () => {
    const unavailable = await easymidiBackend()
      .init()
      .then(
        () => false,
        () => true,
      );
    const backend = unavailable
      ? easymidiBackend()
      : Object.assign(new FakeMidiBackend(), { failInit: 'MIDI is unavailable: test' });
    const r = await rig({ backend, devices: [] });
    try {
      const status = r.service.status();
      expect(status.available).toBe(false);
      expect(status.reason).toMatch(/MIDI is unavailable/);
      expect(r.logs.filter((l) => l.includes('MIDI is unavailable'))).toHaveLength(1);
      r.service.rescan();
      // Mappings can still be edited; they wait for a machine with MIDI.
      await r.service.addMapping({ param: 'level', control: { kind: 'cc', number: 1 } });
      expect(r.service.status().mappings).toHaveLength(1);
      expect(r.logs.filter((l) => l.includes('MIDI is unavailable'))).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  const messages: [string, Record<string, unknown>, number[] | undefined][] = [
    ['noteon', { _type: 'noteon', note: 36, velocity: 100, channel: 9 }, [0x99, 36, 100]],
    ['noteoff', { _type: 'noteoff', note: 36, velocity: 0, channel: 0 }, [0x80, 36, 0]],
    ['cc', { _type: 'cc', controller: 7, value: 127, channel: 15 }, [0xbf, 7, 127]],
    ['program', { _type: 'program', number: 5, channel: 1 }, [0xc1, 5]],
    ['pitch', { _type: 'pitch', value: 8192, channel: 0 }, [0xe0, 0, 64]],
    ['clock', { _type: 'clock' }, [0xf8]],
    ['stop', { _type: 'stop' }, [0xfc]],
    ['position', { _type: 'position', value: 32 }, [0xf2, 32, 0]],
    ['mtc', { _type: 'mtc', type: 7, value: 3 }, [0xf1, 0x73]],
    [
      'sysex',
      { _type: 'sysex', bytes: [0xf0, 0x7f, 0x7f, 1, 1, 0x21, 2, 3, 4, 0xf7] },
      [0xf0, 0x7f, 0x7f, 1, 1, 0x21, 2, 3, 4, 0xf7],
    ],
    ['damaged sysex', { _type: 'sysex', bytes: [0xf0, 0x7f] }, undefined],
    ['activesense', { _type: 'activesense' }, undefined],
  ];
  it.each(messages)('turns easymidi %s events into bytes', (_name, msg, bytes) => {
    expect(easyToBytes(msg)).toEqual(bytes);
  });

  it.each([
    [[0x99, 36, 127], 'noteon', { note: 36, velocity: 127, channel: 9 }],
    [[0x80, 36, 0], 'noteoff', { note: 36, velocity: 0, channel: 0 }],
    [[0xb0, 7, 1], 'cc', { controller: 7, value: 1, channel: 0 }],
    [[0xc2, 3], 'program', { number: 3, channel: 2 }],
    [[0xe0, 0, 64], 'pitch', { value: 8192, channel: 0 }],
    [[0xf1, 0x73], 'mtc', { type: 7, value: 3 }],
    [[0xf0, 0x7f, 0x7f, 1, 1, 0x21, 2, 3, 4, 0xf7], 'sysex', [0xf0, 0x7f, 0x7f, 1, 1, 0x21, 2, 3, 4, 0xf7]],
    [[0xf8], 'clock', {}],
  ])('sends %j as easymidi %s', (bytes, type, args) => {
    const sent: unknown[] = [];
    sendBytes({ send: ((t: string, a: unknown) => sent.push([t, a])) as never }, bytes);
    expect(sent).toEqual([[type, args]]);
  });
});
