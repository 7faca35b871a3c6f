import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { showRoutes } from './routes';
import { minimalShow } from './test-show';
import type { ShowFile } from '../shared/show-file';
import type { ShowPart } from './transaction';

/** Two parts holding the tempo and the cues; applying the cues waits until the test lets it go on. */
function parts() {
  let bpm = 120;
  let cues: ShowFile['cues'] = [];
  let go = () => {};
  let started = () => {};
  const cuesStarted = new Promise<void>((resolve) => (started = resolve));
  const list: ShowPart[] = [
    {
      name: 'tempo',
      read: () => ({ tempo: { bpm } }),
      check: () => ({}),
      apply: async (show) => void (bpm = show.tempo.bpm),
    },
    {
      name: 'cues',
      read: () => ({ cues }),
      check: () => ({}),
      apply: async (show) => {
        started();
        await new Promise<void>((resolve) => (go = resolve));
        cues = show.cues;
      },
    },
  ];
  return { list, cuesStarted, go: () => go() };
}

describe('GET and PUT /api/v1/show', () => {
  it('an export asked for while an import runs waits for it, never answering half the show', async () => {
    const p = parts();
    const app = new Hono().route('/api/v1', showRoutes({ parts: p.list, scopeVersion: '9.9.9', log: () => {} }));
    const show = { ...minimalShow(), tempo: { bpm: 90 }, cues: [{ name: 'intro', values: { level: 1 }, fade: 2 }] };
    const importing = app.request('/api/v1/show', { method: 'PUT', body: JSON.stringify(show) });
    await p.cuesStarted;
    const exporting = app.request('/api/v1/show');
    p.go();
    expect((await importing).status).toBe(200);
    const exported = (await (await exporting).json()) as ShowFile;
    expect(exported.tempo.bpm).toBe(90);
    expect(exported.cues.map((c) => c.name)).toEqual(['intro']);
  });
});
