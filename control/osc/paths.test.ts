import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScope } from '../../src/main';
import type { Scope } from '../../src/main';
import { solidPipeline } from '../../src/engine/test-support';

describe('GET /api/v1/osc/paths', () => {
  let scope: Scope;
  beforeAll(async () => {
    scope = await startScope({
      port: 0,
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      width: 64,
      height: 64,
      waitForLoad: true,
      log: () => {},
    });
  });
  afterAll(() => scope.stop());

  it('lists every parameter address of the active pipeline with its range', async () => {
    const res = await fetch(`${scope.url}/api/v1/osc/paths`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      pipeline: string;
      paths: { address: string; range?: unknown; options?: string[] }[];
    };
    expect(body.pipeline).toBe('solid');
    const byAddress = new Map(body.paths.map((p) => [p.address, p]));
    expect(byAddress.get('/scope/level')).toMatchObject({ range: { min: 0, max: 255 } });
    expect(byAddress.has('/scope/width')).toBe(true);
    expect(byAddress.has('/scope/solid/level')).toBe(true);
    expect(byAddress.get('/scope/pipeline/load')).toMatchObject({ options: ['solid'] });
    expect(byAddress.get('/scope/pause')).toMatchObject({ types: 'T F i s' });
  });
});
