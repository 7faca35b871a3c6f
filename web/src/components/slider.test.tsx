// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlRow } from './control-row';
import { WithPanel, fakePanel } from '../test-support';
import type { ControlSpec } from '../schema';

const zoom: ControlSpec = {
  name: 'zoom',
  label: 'Zoom',
  description: undefined,
  group: 'look',
  reloads: false,
  kind: 'number',
  default: 1,
  min: 0,
  max: 10,
  step: undefined,
  unit: 'x',
  curve: 'linear',
};

afterEach(cleanup);

function setup(value = 1) {
  const { ctx, rec } = fakePanel();
  const view = render(
    <WithPanel ctx={ctx}>
      <ControlRow spec={zoom} value={value} />
    </WithPanel>,
  );
  const rerender = (v: number) =>
    view.rerender(
      <WithPanel ctx={ctx}>
        <ControlRow spec={zoom} value={v} />
      </WithPanel>,
    );
  return {
    rec,
    rerender,
    range: screen.getByRole('slider', { name: 'Zoom' }) as HTMLInputElement,
    field: screen.getByRole('textbox', { name: 'Zoom value' }) as HTMLInputElement,
  };
}

describe('Slider', () => {
  it('sends the value while dragging and shows it with its unit, range and OSC address', () => {
    const { rec, range, field } = setup();
    fireEvent.pointerDown(range);
    fireEvent.input(range, { target: { value: '250' } });
    fireEvent.input(range, { target: { value: '500' } });
    expect(rec.sets).toEqual([
      ['zoom', 2.5],
      ['zoom', 5],
    ]);
    expect(field.value).toBe('5');
    expect(screen.getByText('x')).toBeTruthy();
    expect(screen.getByText('10')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'copy OSC address /scope/zoom' })).toBeTruthy();
  });

  it('resets to the default on double-click', () => {
    const { rec, range, field } = setup(7);
    fireEvent.dblClick(range);
    expect(rec.sets).toEqual([['zoom', 1]]);
    expect(field.value).toBe('1');
  });

  it('does not let a remote change fight the drag, and follows it after release', () => {
    const { rerender, range, field } = setup(1);
    fireEvent.pointerDown(range);
    fireEvent.input(range, { target: { value: '300' } });
    rerender(8);
    expect(range.value).toBe('300');
    expect(field.value).toBe('3');
    fireEvent.pointerUp(range);
    expect(range.value).toBe('800');
    // Not held: remote changes show at once.
    rerender(2);
    expect(field.value).toBe('2');
  });

  it('takes exact values typed into the field, clamped; Escape gives up the edit', () => {
    const { rec, field, rerender } = setup(1);
    fireEvent.focus(field);
    fireEvent.input(field, { target: { value: '42' } });
    rerender(4); // a remote change while typing does not replace the text
    expect(field.value).toBe('42');
    fireEvent.keyDown(field, { key: 'Enter' });
    fireEvent.blur(field);
    expect(rec.sets).toEqual([['zoom', 10]]);
    fireEvent.focus(field);
    fireEvent.input(field, { target: { value: '3' } });
    fireEvent.keyDown(field, { key: 'Escape' });
    fireEvent.blur(field);
    expect(rec.sets).toHaveLength(1);
  });
});
