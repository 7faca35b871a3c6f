// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { ShowCard } from './show-card';
import type { ShowActions, ShowOutcome } from '../show-actions';

afterEach(cleanup);

function fake(outcome: ShowOutcome) {
  const sent: string[] = [];
  const downloads: string[] = [];
  const actions: ShowActions = {
    exportUrl: '/api/v1/show',
    import: async (text) => {
      sent.push(text);
      return outcome;
    },
    download: async (model) => void downloads.push(model),
  };
  return { actions, sent, downloads };
}

/** Chooses a file in the card's file input, as a person would. */
function choose(text: string) {
  const input = screen.getByLabelText('import show file') as HTMLInputElement;
  const file = new File([text], 'gig.scope-show.json', { type: 'application/json' });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  fireEvent.change(input);
}

describe('the show card', () => {
  it('exports by downloading the show from the API', () => {
    render(<ShowCard actions={fake({ kind: 'refused', message: '' }).actions} />);
    const link = screen.getByText('Export show') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('/api/v1/show');
    expect(link.getAttribute('download')).toBe('show.scope-show.json');
  });

  it('imports the chosen file as it is and says what was applied and left', async () => {
    const f = fake({
      kind: 'imported',
      report: { applied: ['pipeline', 'cues'], migrated: [], notes: ['output ndi is not on this server; left out'] },
    });
    render(<ShowCard actions={f.actions} />);
    choose('{"format":"daydream-scope-show"}');
    await screen.findByText('Show imported: pipeline, cues.');
    expect(f.sent).toEqual(['{"format":"daydream-scope-show"}']);
    expect(screen.getByText('output ndi is not on this server; left out')).toBeTruthy();
  });

  it('shows the sentence of a refused file', async () => {
    const message = 'this is not a daydream-scope show file; nothing was changed';
    render(<ShowCard actions={fake({ kind: 'refused', message }).actions} />);
    choose('{}');
    expect((await screen.findByRole('alert')).textContent).toBe(message);
  });

  it('lists what is missing and offers the download of a model', async () => {
    const f = fake({
      kind: 'missing',
      message: 'the show needs what this server lacks',
      missing: [
        {
          kind: 'model',
          name: 'sd-turbo',
          sha256: null,
          reason: 'not downloaded',
          download: {
            command: 'daydream-scope download sd-turbo',
            route: 'POST /api/v1/models/download',
            body: { model: 'sd-turbo' },
          },
        },
        { kind: 'plugin', name: 'scope-glitch', sha256: null, reason: 'start the server with --plugin scope-glitch' },
      ],
    });
    render(<ShowCard actions={f.actions} />);
    choose('{}');
    await screen.findByText('Not imported; nothing changed. The show needs:');
    expect(screen.getByText('start the server with --plugin scope-glitch')).toBeTruthy();
    expect(screen.getByText('Import the file again once the downloads are done.')).toBeTruthy();
    const buttons = screen.getAllByRole('button', { name: 'Download' });
    expect(buttons).toHaveLength(1);
    fireEvent.click(buttons[0]!);
    await waitFor(() => expect(f.downloads).toEqual(['sd-turbo']));
    expect((screen.getByRole('button', { name: 'Downloading…' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('offers no download and no later import when nothing missing can be downloaded', async () => {
    const missing = [{ kind: 'plugin' as const, name: 'scope-glitch', sha256: null, reason: 'not loaded here' }];
    render(<ShowCard actions={fake({ kind: 'missing', message: '', missing }).actions} />);
    choose('{}');
    await screen.findByText('not loaded here');
    expect(screen.queryByRole('button', { name: 'Download' })).toBeNull();
    expect(screen.queryByText('Import the file again once the downloads are done.')).toBeNull();
  });
});
