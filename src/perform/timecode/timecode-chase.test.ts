import { describe, expect, it } from 'vitest';
import { rigsClosedAfterEach } from './test-support';
import { timecodeOf, toFrames } from '../../shared/timecode-math';

const newRig = rigsClosedAfterEach();

/** A rig with three cues: two on timecode, one fired only by hand. */
async function rig(...args: Parameters<typeof newRig>) {
  const r = await newRig(...args);
  await r.service.putCue({ name: 'intro', values: { zoom: 2 }, fade: 0, curve: 'linear', timecode: '01:00:00:10' });
  await r.service.putCue({ name: 'drop', values: { zoom: 3 }, fade: 4, curve: 'linear', timecode: '01:00:01:00' });
  await r.service.putCue({ name: 'by hand', values: { zoom: 9 }, fade: 0, curve: 'linear' });
  return r;
}

describe('chasing cues', () => {
  it('a cue goes as the timecode passes it, with its fade; a cue without timecode never does', async () => {
    const r = await rig();
    r.play('01:00:00:00', 10);
    expect(r.params.get('zoom')).toBe(1);
    r.play('01:00:00:10', 1);
    expect(r.params.get('zoom')).toBe(2);
    expect(r.timecode.status()).toMatchObject({ lastCue: 'intro', state: 'running', position: '01:00:00:10' });
    r.play('01:00:00:11', 14);
    // "drop" fades over 4 s: one frame after it went, the zoom is on its way from 2 to 3.
    r.play('01:00:01:00', 2);
    expect(r.timecode.status().lastCue).toBe('drop');
    const zoom = r.params.get('zoom') as number;
    expect(zoom).toBeGreaterThan(2);
    expect(zoom).toBeLessThan(2.1);
    expect(r.service.cueState().cues[r.service.cueState().current]!.name).toBe('drop');
  });

  it('a jump lands the latest cue at or before the new position at once, and fires none of those it skipped', async () => {
    const r = await rig();
    r.play('01:00:00:00', 3);
    const goes: string[] = [];
    r.perform.params.onChange((c) => c.kind === 'value' && c.path === 'zoom' && goes.push(String(c.value)));
    // Skipped from 00:02 to 05:00: "intro" and "drop" were both passed; only "drop" lands, at its end value.
    r.clock.advance(40);
    r.play('01:00:05:00', 2);
    expect(r.params.get('zoom')).toBe(3);
    expect(goes).toEqual(['3']);
    expect(r.timecode.status()).toMatchObject({ lastCue: 'drop', jumps: 2 });
    // Back before every cue: nothing is there to land, the look stays.
    r.clock.advance(40);
    r.play('00:59:00:00', 2);
    expect(r.params.get('zoom')).toBe(3);
    // Into the middle: "intro" lands.
    r.clock.advance(40);
    r.play('01:00:00:20', 2);
    expect(r.params.get('zoom')).toBe(2);
  });

  it('freewheels over a dropout, then stops after the freewheel time on the clock, holding the position', async () => {
    const r = await rig();
    r.play('01:00:00:00', 5);
    r.clock.advance(300);
    expect(r.timecode.status()).toMatchObject({ state: 'running', position: '01:00:00:11' });
    r.clock.advance(140);
    expect(r.timecode.status()).toMatchObject({ state: 'stopped', position: '01:00:00:04' });
    expect(r.events.filter((e) => e.topic === 'timecode').at(-1)?.data).toMatchObject({ state: 'stopped' });
    // A restart where it stopped is no jump: "intro" goes when passed, as it would have.
    r.play('01:00:00:05', 6);
    expect(r.timecode.status()).toMatchObject({ lastCue: 'intro', jumps: 1 });
  });

  it('a locate while stopped moves nothing; the run from there lands the cue that belongs there', async () => {
    const r = await rig();
    r.play('01:00:00:00', 3);
    r.clock.advance(1000);
    r.timecode.hear({ frames: toFrames(timecodeOf('01:00:02:00'), '25'), rate: '25', at: r.clock.now(), locate: true });
    r.frame();
    expect(r.timecode.status()).toMatchObject({ state: 'stopped', position: '01:00:02:00', lastCue: null });
    expect(r.params.get('zoom')).toBe(1);
    // Running on from the locate is no jump, but the cues between the old place and the new were never passed:
    // "drop" (the latest before 02:00) lands at once, "intro" does not go on its way.
    r.play('01:00:02:00', 2);
    expect(r.timecode.status()).toMatchObject({ lastCue: 'drop', jumps: 2 });
    expect(r.params.get('zoom')).toBe(3);
  });

  it('running backwards fires nothing', async () => {
    const r = await rig();
    r.play('01:00:00:05', 1);
    const first = toFrames(timecodeOf('01:00:01:05'), '25');
    for (let i = 0; i < 30; i++) {
      r.timecode.hear({ frames: first - i, rate: '25', at: r.clock.now(), reverse: true });
      r.clock.advance(40);
    }
    expect(r.timecode.status()).toMatchObject({ reverse: true, lastCue: null });
  });

  it('the timeline follows the timecode from its start, and stops when the timecode stops', async () => {
    const r = await rig();
    await r.service.setTimeline({
      version: 1,
      entries: [
        { prompt: 'dawn', duration: 2, transition: 'cut', transitionTime: 0 },
        { prompt: 'noon', duration: 2, transition: 'cut', transitionTime: 0 },
      ],
      loop: false,
      tempoLocked: false,
      promptParam: 'prompt',
    });
    await r.timecode.update({ chase: { timeline: true, timelineStart: '01:00:00:00', cues: false } });
    r.play('00:59:59:20', 3);
    expect(r.perform.timeline.isPlaying).toBe(false);
    r.clock.advance(40);
    r.play('01:00:02:12', 2);
    expect(r.perform.timeline.state()).toMatchObject({ playing: true, index: 1 });
    expect(r.params.get('prompt')).toBe('noon');
    expect(r.perform.timeline.state().position).toBeCloseTo(0.52, 5);
    r.clock.advance(500);
    expect(r.perform.timeline.isPlaying).toBe(false);
    // Cue chase was switched off: no cue went.
    expect(r.timecode.status().lastCue).toBeNull();
  });
});
