import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { RefusalCounter } from '../kernel/refusals';
import { countOfferRefusals } from './offer-refusals';

describe('refused WHEP and WHIP offers in stats.refused', () => {
  const refusals = new RefusalCounter();
  const app = new Hono();
  app.use('*', countOfferRefusals(refusals));
  // Stand-ins answering as the real routes do for each case.
  app.post('/whep', (c) => c.text('4 sessions from 10.0.0.9 have not connected yet\n', 429));
  app.post('/whip/:slot', (c) => c.text('already 8 WHIP slots\n', 503));
  app.post('/whip', (c) => c.text('answer', 201));
  app.post('/api/v1/x', (c) => c.text('no', 429));

  it.each([
    ['/whep', { whep_pending_per_client: 1 }],
    ['/whip/cam', { whip_full_or_off: 1 }],
    ['/whip', {}],
    ['/api/v1/x', {}],
  ])('POST %s', async (path, counted) => {
    const before = refusals.snapshot();
    await app.request(path, { method: 'POST' });
    const after = refusals.snapshot();
    const diff = Object.fromEntries(
      Object.entries(after)
        .map(([k, n]) => [k, n - (before[k] ?? 0)])
        .filter(([, n]) => n),
    );
    expect(diff).toEqual(counted);
  });
});
