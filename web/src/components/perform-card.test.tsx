// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PerformCard } from './perform-card';
import { ControlsCard } from './controls-card';
import { WithPanel, fakePanel } from '../test-support';
import { initialState, reduce } from '../state';
import type { PerformActions } from './perform-card';
import type { RecordingInfo, TempoInfo } from '../perform-types';

afterEach(cleanup);

const tempo: TempoInfo = {
  bpm: 128,
  beat: 6.25,
  phase: 0.25,
  bar: 1,
  beatInBar: 2,
  beatsPerBar: 4,
  source: 'tap',
  playing: true,
  quantize: { http: 'bar', ws: 'bar', osc: 'bar' },
  pending: 2,
  link: { available: false, enabled: false, peers: 0 },
  receivedAt: performance.now(),
};

/** The recorder before anything was recorded. */
const idle: RecordingInfo = {
  available: true,
  recording: false,
  file: null,
  frames: 0,
  dropped: 0,
  seconds: 0,
  dir: '/x',
  files: [],
};

function actions() {
  const calls: unknown[][] = [];
  const a: PerformActions = {
    tap: () => calls.push(['tap']),
    setBpm: (bpm) => calls.push(['bpm', bpm]),
    quantize: (q) => calls.push(['quantize', q]),
    go: (cue) => calls.push(['go', cue]),
    record: (on) => calls.push(['record', on]),
  };
  return { a, calls };
}

describe('PerformCard', () => {
  it('shows the beat light on the beat of the bar, the tempo and what waits; Tap and the quantise go out', () => {
    const { a, calls } = actions();
    render(<PerformCard tempo={tempo} cues={null} recording={null} actions={a} />);
    const light = screen.getByRole('img', { name: 'beat light, 128.0 bpm' });
    expect(light.querySelectorAll('i')).toHaveLength(4);
    // Beat 6.25 is the third beat of bar 1 (counted from 0): light 2.
    expect(light.dataset.beat).toBe('2');
    expect(screen.getByText('2 waiting')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Tap' }));
    fireEvent.change(screen.getByLabelText('quantise'), { target: { value: '4bars' } });
    const bpm = screen.getByLabelText('tempo in bpm') as HTMLInputElement;
    fireEvent.focus(bpm);
    fireEvent.input(bpm, { target: { value: '90' } });
    fireEvent.keyDown(bpm, { key: 'Enter' });
    expect(calls).toEqual([['tap'], ['quantize', '4bars'], ['bpm', 90]]);
  });

  it('lists cues with the current one and its fade; GO, Prev and a cue go out; the record button toggles', () => {
    const { a, calls } = actions();
    render(
      <PerformCard
        tempo={null}
        cues={{
          cues: [
            { name: 'intro', values: {}, fade: 0, curve: 'linear' },
            { name: 'drop', values: { zoom: 2 }, fade: 2, curve: 'linear', quantize: 'bar' },
          ],
          current: 1,
          fading: 0.5,
        }}
        recording={{ ...idle, recording: true, file: '/x/scope-1.mp4', frames: 10, dropped: 3, seconds: 1 }}
        actions={a}
      />,
    );
    expect(screen.getByText('2s · bar')).toBeTruthy();
    expect(screen.getByLabelText('fading to drop')).toBeTruthy();
    expect(screen.getByText('scope-1.mp4 · 3 dropped')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'GO' }));
    fireEvent.click(screen.getByRole('button', { name: '◀ Prev' }));
    fireEvent.click(screen.getByRole('button', { name: 'intro' }));
    fireEvent.click(screen.getByRole('button', { name: '● Stop' }));
    expect(calls).toEqual([
      ['go', 'next'],
      ['go', 'previous'],
      ['go', 'intro'],
      ['record', false],
    ]);
  });

  it('says why recording stopped (a full disk), and offers to record again', () => {
    const { a, calls } = actions();
    const error = 'ffmpeg exited (1): No space left on device; trying again in 4 s (2 of 3)';
    const recording = {
      ...idle,
      error,
      file: '/x/scope-1.mp4',
      frames: 10,
      dropped: 0,
      seconds: 1,
    };
    render(<PerformCard tempo={null} cues={null} recording={recording} actions={a} />);
    expect(screen.getByRole('alert').textContent).toBe(`Recording stopped: ${error}`);
    fireEvent.click(screen.getByRole('button', { name: '● Record' }));
    expect(calls).toEqual([['record', true]]);
  });
});

describe('modulated controls', () => {
  it('a modulation event moves a mark along the modulated parameter only', () => {
    const state = reduce(initialState, {
      type: 'message',
      message: { type: 'event', topic: 'modulation', data: { values: { zoom: 7.5 } } },
    });
    expect(state.modulated).toEqual({ zoom: 7.5 });
    const schema = {
      type: 'object',
      properties: {
        zoom: { type: 'number', minimum: 5, maximum: 10, default: 5, 'x-scope': { kind: 'number', mode: 'runtime' } },
        hue: { type: 'number', minimum: 0, maximum: 1, default: 0, 'x-scope': { kind: 'number', mode: 'runtime' } },
      },
    };
    const { ctx } = fakePanel();
    const { container } = render(
      <WithPanel ctx={ctx}>
        <ControlsCard schema={schema} values={{ zoom: 5, hue: 0 }} modulated={state.modulated} />
      </WithPanel>,
    );
    const marks = container.querySelectorAll<HTMLElement>('.modulated i');
    expect(marks).toHaveLength(1);
    expect(marks[0]!.style.left).toBe('50.00%');
    expect(container.querySelector('[data-param="zoom"] .modulated')).toBeTruthy();
  });
});
