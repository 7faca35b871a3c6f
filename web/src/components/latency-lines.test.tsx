// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { LatencyLines } from './latency-lines';
import type { LatencyStats, OutputDelayBody } from '../../../src/shared/latency';

afterEach(cleanup);

const none = { p50: 0, p95: 0, count: 0 };
const latency: LatencyStats = {
  osc: { p50: 28.3, p95: 41.7, count: 12 },
  midi: none,
  dmx: { p50: 51, p95: 62.7, count: 3 },
  ws: none,
  mcp: none,
  http: none,
};

describe('latency lines', () => {
  it('shows each surface that sent changes, and only those', () => {
    render(<LatencyLines latency={latency} delayMs={0} setDelay={() => {}} />);
    expect(screen.getByText(/OSC 28 ms/)).toBeTruthy();
    expect(screen.getByText('· p95 42 ms · 12')).toBeTruthy();
    expect(screen.getByText(/DMX 51 ms/)).toBeTruthy();
    expect(screen.queryByText(/MIDI/)).toBeNull();
    expect(screen.getByTestId('output-delay').textContent).toBe('off');
  });

  it('says when nothing was measured yet', () => {
    render(<LatencyLines latency={undefined} delayMs={0} setDelay={() => {}} />);
    expect(screen.getByText('Latency: no changes measured yet.')).toBeTruthy();
  });

  it('sets the output delay in milliseconds or beats, and shows it', () => {
    const sent: OutputDelayBody[] = [];
    render(<LatencyLines latency={latency} delayMs={120} setDelay={(b) => sent.push(b)} />);
    expect(screen.getByTestId('output-delay').textContent).toBe('120 ms now');
    const field = screen.getByRole('spinbutton', { name: 'output delay' });
    fireEvent.input(field, { target: { value: '80' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    fireEvent.change(screen.getByRole('combobox', { name: 'output delay unit' }), { target: { value: 'beats' } });
    fireEvent.input(field, { target: { value: '0.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set' }));
    fireEvent.input(field, { target: { value: 'soon' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set' }));
    expect(sent).toEqual([{ ms: 80 }, { beats: 0.5 }]);
  });
});
