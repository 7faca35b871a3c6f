// @vitest-environment happy-dom
import { cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { useShortcuts } from './shortcuts';

afterEach(cleanup);

function Keys({ log }: { log: string[] }) {
  useShortcuts({
    togglePause: () => log.push('pause'),
    recallPreset: (i) => log.push(`preset ${i}`),
    toggleHelp: () => log.push('help'),
    closeHelp: () => log.push('close'),
  });
  return (
    <div>
      <input type="text" aria-label="name" />
      <input type="range" aria-label="level" />
    </div>
  );
}

describe('keyboard shortcuts', () => {
  it('space pauses, 1-9 recall presets, ? toggles help, Escape closes it', () => {
    const log: string[] = [];
    render(<Keys log={log} />);
    for (const key of [' ', '1', '9', '0', '?', 'Escape']) fireEvent.keyDown(document.body, { key });
    expect(log).toEqual(['pause', 'preset 0', 'preset 8', 'help', 'close']);
  });

  it('ignores keys typed into a field, but not on a focused slider', () => {
    const log: string[] = [];
    const view = render(<Keys log={log} />);
    fireEvent.keyDown(view.getByLabelText('name'), { key: ' ' });
    fireEvent.keyDown(view.getByLabelText('name'), { key: '1' });
    fireEvent.keyDown(view.getByLabelText('level'), { key: ' ' });
    expect(log).toEqual(['pause']);
  });
});
