/** The server's own NDI output received by its NDI input on 127.0.0.1, through the real API (main.ts wiring). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrameCode } from '../../pipelines/test-pattern/frame-code';
import { useNdiLoopback } from '../../src/media/ndi-loopback';
import { call, startTestScope, waitFor } from '../../src/server/test-support';
import { patch } from '../test-support';

useNdiLoopback();

const W = 128;
const H = 96;

describe('NDI out -> NDI in, one server, loopback', () => {
  let scope: Awaited<ReturnType<typeof startTestScope>>;
  const rendered = new Set<number>();
  const name = `scope-roundtrip-${process.pid}`;

  beforeAll(async () => {
    scope = await startTestScope({
      pipeline: 'test-pattern',
      width: W,
      height: H,
      ndi: true,
      ndiName: name,
      oscPort: null,
      oscQueryPort: null,
    });
    scope.services.params.set('speed', 0, 'http');
    scope.services.engine.onFrame((f) => rendered.add(readFrameCode(f)));
  });
  afterAll(() => scope?.stop());

  it('receives the pictures the pipeline drew: its frame codes and its colour bars', async () => {
    const added = await call(`${scope.url}/api/v1/inputs`, {
      body: { kind: 'ndi', name, extraIps: '127.0.0.1', id: 'self' },
    });
    expect(added.status).toBe(201);
    expect((await call(`${scope.url}/api/v1/input`, { method: 'PUT', body: { source: 'self' } })).status).toBe(200);
    await waitFor(() => scope.inputs.info('self').state === 'live', 20_000, 'the NDI input live');
    expect(scope.inputs.info('self')).toMatchObject({ width: W, height: H, kind: 'ndi' });
    const frame = scope.inputs.frame(W, H)!;
    expect(rendered.has(readFrameCode(frame))).toBe(true);
    // The first (leftmost) of the 75 % bars is grey 191, the third cyan (0, 191, 191); NDI compresses a little.
    const grey = patch(frame, Math.round(W / 14), Math.round(H * 0.4));
    const cyan = patch(frame, Math.round((2.5 * W) / 7), Math.round(H * 0.4));
    for (const [v, e] of grey.map((v, i) => [v, [191, 191, 191][i]!])) expect(Math.abs(v! - e!)).toBeLessThan(24);
    for (const [v, e] of cyan.map((v, i) => [v, [0, 191, 191][i]!])) expect(Math.abs(v! - e!)).toBeLessThan(24);
  });
});
