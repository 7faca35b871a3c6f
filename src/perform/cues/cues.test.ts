import { describe, expect, it } from 'vitest';
import { Crossfader } from './crossfade';
import { Fade, ease } from './fade';
import { TimelinePlayer } from './timeline';
import { p } from '../../params/spec';
import { ParamStore } from '../../params/store';
import { timelineSchema } from '../../shared/perform';

function store(blending: boolean) {
  const params = new ParamStore();
  params.define({
    prompt: p.text('start'),
    zoom: p.number(1, { min: 0, max: 10 }),
    tint: p.color('#000000'),
    mode: p.enum('a', ['a', 'b']),
    ...(blending
      ? {
          prompt2: p.text(''),
          weight1: p.number(1, { min: 0, max: 1 }),
          weight2: p.number(0, { min: 0, max: 1 }),
          blend: p.enum('linear', ['linear', 'slerp']),
        }
      : {}),
  });
  return params;
}

describe('Fade', () => {
  it('glides numbers and colours along the curve; choices land at the start', () => {
    const params = store(false);
    const fade = new Fade(params, { zoom: 5, tint: '#ff8000', mode: 'b' }, 1000, 2000, 'ease-in');
    expect(fade.values(1000, params)).toEqual({ zoom: 1, tint: '#000000', mode: 'b' });
    // Half way on ease-in is a quarter of the way.
    expect(fade.values(2000, params)).toEqual({ zoom: 2, tint: '#402000' });
    expect(fade.values(3000, params)).toEqual({ zoom: 5, tint: '#ff8000' });
    expect(fade.done(3000)).toBe(true);
    expect([ease('ease-out', 0.5), ease('ease-in-out', 0.25), ease('step', 0.99)]).toEqual([0.75, 0.125, 0]);
  });
});

describe('TimelinePlayer', () => {
  const timeline = (extra: object = {}) =>
    timelineSchema.parse({
      entries: [
        { prompt: 'forest', duration: 4, transitionTime: 2, values: { zoom: 3 } },
        { prompt: 'ocean', duration: 4, transition: 'slerp', transitionTime: 2, values: { zoom: 9 } },
      ],
      ...extra,
    });

  it('crossfades prompt weights where the pipeline blends prompts, and glides values', () => {
    const params = store(true);
    const player = new TimelinePlayer();
    player.replace(timeline());
    player.play(0, 0, params);
    expect(player.step(1000, 0, params)).toEqual({
      zoom: 2,
      prompt: 'start',
      prompt2: 'forest',
      weight1: 0.5,
      weight2: 0.5,
      blend: 'linear',
    });
    expect(player.step(2000, 0, params)).toEqual({ zoom: 3, prompt: 'forest', weight1: 1, weight2: 0 });
    // Only what changed goes out: the first prompt stays where it is while the second fades in.
    expect(player.step(5000, 0, params)).toEqual({
      prompt2: 'ocean',
      weight1: 0.5,
      weight2: 0.5,
      zoom: 6,
      blend: 'slerp',
    });
    expect(player.step(9000, 0, params)).toMatchObject({ prompt: 'ocean', weight1: 1, weight2: 0, zoom: 9 });
    expect(player.isPlaying).toBe(false);
  });

  it('locked to the tempo it counts beats, loops, and cuts the prompt where the pipeline cannot blend', () => {
    const params = store(false);
    const player = new TimelinePlayer();
    player.replace(timeline({ loop: true, tempoLocked: true }));
    player.play(0, 8, params);
    expect(player.step(99_999, 9, params)).toEqual({ zoom: 2, prompt: 'forest' });
    expect(player.step(0, 10, params)).toEqual({ zoom: 3 });
    expect(player.step(0, 13, params)).toEqual({ zoom: 6, prompt: 'ocean' });
    // Eight beats in: back to the first entry, gliding from the last one's values.
    expect(player.step(0, 17.5, params)).toEqual({ zoom: 4.5, prompt: 'forest' });
    expect(player.state()).toMatchObject({ playing: true, index: 0, position: 1.5 });
  });
});

describe('Crossfader', () => {
  it('mixes two presets: numbers and colours glide, choices switch at the middle', () => {
    const params = store(false);
    const x = new Crossfader();
    const a = { zoom: 2, tint: '#000000', mode: 'a', gone: 1 };
    const b = { zoom: 4, tint: '#ffffff', mode: 'b' };
    expect(x.values(0.25, a, b, params)).toEqual({ zoom: 2.5, tint: '#404040', mode: 'a' });
    expect(x.values(0.5, a, b, params)).toEqual({ zoom: 3, tint: '#808080', mode: 'b' });
  });
});
