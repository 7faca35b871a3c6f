import { describe, expect, it } from 'vitest';
import { TimecodeFollower } from './timecode-follower';
import { dayFrames } from '../../shared/timecode-math';
import type { TimecodeEvent } from './timecode-follower';

function follower() {
  const f = new TimecodeFollower({ freewheelMs: 400, jumpFrames: 3 });
  const events: TimecodeEvent['kind'][] = [];
  f.onChange((e) => events.push(e.kind));
  return { f, events };
}

describe('the timecode follower', () => {
  it('a first position is a jump, the next ones in step are frames, a skip of more than three frames is a jump', () => {
    const { f, events } = follower();
    f.hear({ frames: 100, rate: '25', at: 0 });
    f.hear({ frames: 101, rate: '25', at: 40 });
    // Three frames out (a late message, jitter) is still in step; four is a skip.
    f.hear({ frames: 105, rate: '25', at: 80 });
    f.hear({ frames: 110, rate: '25', at: 120 });
    expect(events).toEqual(['jump', 'frame', 'frame', 'jump']);
    expect(f.jumps).toBe(2);
  });

  it('runs through midnight as one frame, not a jump of a day', () => {
    const { f, events } = follower();
    const last = dayFrames('30') - 1;
    f.hear({ frames: last, rate: '30', at: 0 });
    f.hear({ frames: 0, rate: '30', at: 1000 / 30 });
    expect(events).toEqual(['jump', 'frame']);
    expect(f.position(2000 / 30)).toBeCloseTo(1, 6);
  });

  it('freewheels until the timeout and stops there, holding the last position heard; asks to be checked again', () => {
    const { f, events } = follower();
    f.hear({ frames: 250, rate: '25', at: 1000 });
    expect(f.check(1200)).toBe(200);
    expect(f.position(1200)).toBeCloseTo(255, 6);
    expect(f.check(1400)).toBeUndefined();
    expect(f.state).toBe('stopped');
    expect(f.position(5000)).toBe(250);
    expect(events).toEqual(['jump', 'stop']);
  });

  it('a full frame while running is a jump that stops; the run resuming from it is no jump', () => {
    const { f, events } = follower();
    f.hear({ frames: 10, rate: '25', at: 0 });
    f.hear({ frames: 500, rate: '25', at: 40, locate: true });
    f.hear({ frames: 501, rate: '25', at: 80 });
    expect(events).toEqual(['jump', 'jump', 'frame']);
    expect(f.state).toBe('running');
    // A full frame in step with the run changes nothing.
    f.hear({ frames: 502, rate: '25', at: 120, locate: true });
    expect(events).toHaveLength(3);
    expect(f.state).toBe('running');
  });

  it('backwards, the position runs down between messages', () => {
    const { f } = follower();
    f.hear({ frames: 1000, rate: '24', at: 0, reverse: true });
    expect(f.position(500)).toBeCloseTo(988, 6);
    expect(f.reverse).toBe(true);
  });
});
