// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { TimecodeCard } from './timecode-card';
import { timecodeInfo } from '../test-timecode-info';
import type { TimecodeActions } from '../timecode-actions';

afterEach(cleanup);

function recorder() {
  const calls: [string, unknown][] = [];
  const actions: TimecodeActions = {
    run: (v) => calls.push(['run', v]),
    locate: (v) => calls.push(['locate', v]),
    setRate: (v) => calls.push(['rate', v]),
    setChase: (v) => calls.push(['chase', v]),
  };
  return { calls, actions };
}

describe('the timecode card', () => {
  it('shows the source, rate, position and state, and runs and locates the internal generator', () => {
    const { calls, actions } = recorder();
    render(<TimecodeCard timecode={timecodeInfo()} actions={actions} />);
    expect(screen.getByText('internal generator')).toBeTruthy();
    expect(screen.getByText('· 25 fps')).toBeTruthy();
    expect(screen.getByLabelText('timecode position').textContent).toBe('01:02:03:04');
    expect(document.querySelector('[data-state]')!.textContent).toBe('stopped');
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));
    fireEvent.input(screen.getByLabelText('locate to'), { target: { value: '10:00:00:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Locate' }));
    expect(calls).toEqual([
      ['run', true],
      ['locate', '10:00:00:00'],
    ]);
  });

  it('sets the rate and what chases timecode', () => {
    const { calls, actions } = recorder();
    render(<TimecodeCard timecode={timecodeInfo()} actions={actions} />);
    fireEvent.change(screen.getByLabelText('timecode rate'), { target: { value: '29.97df' } });
    fireEvent.click(screen.getByLabelText('cues chase timecode'));
    fireEvent.click(screen.getByLabelText('timeline chases timecode'));
    expect(calls).toEqual([
      ['rate', '29.97df'],
      ['chase', { cues: false }],
      ['chase', { timeline: true }],
    ]);
  });

  it('a running generator offers Stop; MTC not heard yet shows no position, no transport, and why', () => {
    const { calls, actions } = recorder();
    const { unmount } = render(
      <TimecodeCard timecode={timecodeInfo({ state: 'running', receivedAt: performance.now() })} actions={actions} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(calls).toEqual([['run', false]]);
    unmount();
    render(
      <TimecodeCard
        timecode={timecodeInfo({ source: 'mtc', rate: null, position: null, reason: 'no MIDI input is open' })}
        actions={actions}
      />,
    );
    expect(screen.getByText('MTC')).toBeTruthy();
    expect(screen.getByLabelText('timecode position').textContent).toBe('--:--:--:--');
    expect(screen.getByText('no MIDI input is open')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Run' })).toBeNull();
  });
});
