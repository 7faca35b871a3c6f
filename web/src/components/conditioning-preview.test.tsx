// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ConditioningPreview } from './conditioning-preview';
import { OutputsCard } from './outputs-card';
import { whepUrl } from './preview';
import { WithPanel, fakePanel } from '../test-support';
import type { OutputInfo } from '../services';

afterEach(cleanup);

describe('ConditioningPreview', () => {
  it('shows the conditioning stream beside the output while a chain is set, and nothing without one', () => {
    const { rerender } = render(<ConditioningPreview values={{ preprocess: 'depth,edges' }} />);
    const img = screen.getByAltText('conditioning: depth,edges') as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('/api/v1/conditioning/stream.mjpeg');
    expect(screen.getByText('depth,edges')).toBeTruthy();
    rerender(<ConditioningPreview values={{ preprocess: '' }} />);
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('leaves the conditioning WHEP out of the live preview', () => {
    const base = { available: true, enabled: true, state: 'running', clients: 0, fps: 0, dropped: 0, errors: 0 };
    const outputs: OutputInfo[] = [
      {
        ...base,
        id: 'conditioning-webrtc',
        kind: 'webrtc',
        name: 'WebRTC (WHEP), conditioning',
        options: {},
        source: 'conditioning',
        urls: ['/conditioning/whep'],
      },
      { ...base, id: 'webrtc', kind: 'webrtc', name: 'WebRTC (WHEP)', options: {}, urls: ['/whep', '/output'] },
    ] as OutputInfo[];
    expect(whepUrl(outputs)).toBe('/whep');
  });

  it('lists the conditioning WHEP in the outputs card with its own address and no player page', () => {
    const output = {
      id: 'conditioning-webrtc',
      kind: 'webrtc',
      name: 'WebRTC (WHEP), conditioning',
      available: true,
      enabled: true,
      state: 'running',
      clients: 0,
      fps: 0,
      dropped: 0,
      errors: 0,
      options: {},
      source: 'conditioning',
      urls: ['/conditioning/whep'],
    } as OutputInfo;
    render(
      <WithPanel ctx={fakePanel().ctx}>
        <OutputsCard outputs={[output]} actions={{ enable: () => {}, rename: () => {} }} />
      </WithPanel>,
    );
    expect(screen.getByText(`${location.origin}/conditioning/whep`)).toBeTruthy();
    expect(screen.queryByText(`${location.origin}/output`)).toBeNull();
  });
});
