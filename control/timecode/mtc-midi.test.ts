import { afterEach, describe, expect, it } from 'vitest';
import { mtcOverMidi } from './mtc-midi';
import { MtcAssembler, fullFrame, quarterFrame } from './mtc';
import { rig } from '../midi/test-support';
import { ManualClock } from '../../src/engine/clock';
import {
  Perform,
  PerformService,
  TimecodeService,
  formatTimecode,
  fromFrames,
  timecodeOf,
  timecodeServiceDefaults,
  toFrames,
} from '../../src/perform';
import type { TimecodeSource } from '../../src/shared/timecode';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The MIDI service over a fake backend (a DAW sending MTC, a lighting desk receiving it) and a timecode service. */
async function setup(source: TimecodeSource = 'mtc') {
  const midi = await rig({ devices: ['DAW', 'Desk'], outputs: ['Desk'] });
  cleanup.push(() => midi.close());
  const clock = new ManualClock();
  const perform = new Perform({ params: midi.params, now: () => clock.now() });
  perform.start();
  const service = new PerformService(perform, {
    dir: midi.dir,
    activePipeline: () => null,
    wallClock: () => new Date(0),
  });
  await service.load();
  const timecode = new TimecodeService(service, { source, dir: midi.dir, clock, ...timecodeServiceDefaults });
  await timecode.load();
  cleanup.push(() => timecode.close());
  const link = mtcOverMidi({ midi: midi.service, timecode, clock, out: ['Desk'], pumpMs: 0 });
  cleanup.push(async () => link.stop());
  /** The DAW plays from `label` for `frames` frames: quarter frames, one every quarter of a frame. */
  const play = (label: string, frames: number, rate: '24' | '25' | '29.97df' | '30') => {
    const start = toFrames(timecodeOf(label), rate);
    const quarterMs = 1000 / (4 * (rate === '29.97df' ? 30000 / 1001 : Number(rate)));
    for (let q = 0; q < frames * 4; q++) {
      midi.backend.inject('DAW', quarterFrame(start + 2 * Math.floor(q / 8), rate, q % 8));
      clock.advance(quarterMs);
    }
  };
  return { midi, clock, timecode, link, play, service };
}

describe('MTC through the MIDI service', () => {
  it.each(['24', '25', '29.97df', '30'] as const)('follows quarter frames at %s from the MIDI input', async (rate) => {
    const { timecode, play } = await setup();
    play('01:02:03:04', 12, rate);
    const status = timecode.status();
    expect(status).toMatchObject({ source: 'mtc', rate, state: 'running', reverse: false, jumps: 1 });
    // 12 frames played from :04; the last whole sequence began at :14 and completed two frames later.
    expect(status.position).toBe(rate === '29.97df' ? '01:02:03;16' : '01:02:03:16');
  });

  it('while one input runs MTC, another sending MTC is not heard', async () => {
    const { midi, timecode, play } = await setup();
    play('01:00:00:00', 4, '25');
    const other = toFrames(timecodeOf('05:00:00:00'), '25');
    for (let p = 0; p < 8; p++) midi.backend.inject('Desk', quarterFrame(other, '25', p));
    expect(timecode.status()).toMatchObject({ position: '01:00:00:04', jumps: 1 });
  });

  it('a full frame locates; the DAW stopping is noticed after the freewheel time', async () => {
    const { midi, timecode, clock, play } = await setup();
    play('00:10:00:00', 8, '25');
    clock.advance(timecodeServiceDefaults.freewheelMs);
    expect(timecode.status().state).toBe('stopped');
    midi.backend.inject('DAW', fullFrame(toFrames(timecodeOf('00:20:00:00'), '30'), '30'));
    expect(timecode.status()).toMatchObject({ state: 'stopped', position: '00:20:00:00', rate: '30', jumps: 2 });
  });

  it('MTC out sends quarter frames of the show clock to the desk, and a full frame on a locate', async () => {
    const { midi, timecode, clock, link } = await setup('internal');
    await timecode.update({ rate: '25', locate: '10:00:00:00' });
    link.pump();
    expect(midi.backend.take('Desk')).toEqual([fullFrame(toFrames(timecodeOf('10:00:00:00'), '25'), '25')]);
    await timecode.update({ running: true });
    link.pump();
    midi.backend.take('Desk');
    // One second of the generator, pumped every 5 ms: 100 quarter frames, each at its time.
    for (let i = 0; i < 200; i++) {
      clock.advance(5);
      link.pump();
    }
    const sent = midi.backend.take('Desk');
    expect(sent).toHaveLength(100);
    expect(sent.every((m) => m[0] === 0xf1)).toBe(true);
    // A receiver assembling them reads the generator's time: the last whole sequence began on :22 (at 0.88 s) and
    // is read two frames on, as it completes.
    const a = new MtcAssembler();
    const heard = sent.flatMap((m) => a.feed(m) ?? []);
    // The run began with piece 1 (piece 0 went with the full frame's time): eleven whole sequences, :02 to :22.
    expect(heard).toHaveLength(11);
    expect(formatTimecode(fromFrames(heard.at(-1)!.frames, '25'))).toBe('10:00:00:24');
    // A locate while running: a full frame, then quarter frames from there.
    await timecode.update({ locate: '11:00:00:00' });
    link.pump();
    expect(midi.backend.take('Desk')).toEqual([fullFrame(toFrames(timecodeOf('11:00:00:00'), '25'), '25')]);
    expect(link.reached()).toEqual(['Desk']);
  });

  it('the generator is refused its transport while timecode follows MTC, with a sentence', async () => {
    const { timecode } = await setup('mtc');
    await expect(timecode.update({ running: true })).rejects.toThrow(
      'timecode follows MTC: locate and run the source instead',
    );
  });
});
