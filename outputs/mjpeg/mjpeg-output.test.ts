import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from '../../src/server/app';
import { isJpeg, readMjpeg, startTestScope } from '../../src/server/test-support';
import { OutputHub } from '../hub';
import { outputRoutes } from '../routes';
import { MjpegOutput } from './mjpeg-output';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

describe('MJPEG as an output of the hub', () => {
  let scope: Awaited<ReturnType<typeof startTestScope>>;
  let server: Server;
  let url: string;
  let hub: OutputHub;
  let mjpeg: MjpegOutput;

  beforeAll(async () => {
    scope = await startTestScope({ oscPort: null, oscQueryPort: null });
    mjpeg = new MjpegOutput();
    hub = new OutputHub().add(mjpeg, true);
    await hub.start(scope.services.engine);
    // The app as http.ts builds it, given this output's JPEGs and streams (the lead's wiring).
    const app = createApp(scope.services, { jpegs: mjpeg.jpegs, mjpeg: mjpeg.streams, apiRoutes: [outputRoutes(hub)] });
    server = createAdaptorServer({ fetch: app.fetch }) as Server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await hub.stop();
    mjpeg.close();
    await scope.stop();
  });

  it('streams frames of the hub and serves /api/v1/frame', async () => {
    const { parts } = await readMjpeg(`${url}/api/v1/stream.mjpeg`, 3);
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(isJpeg(p.data)).toBe(true);
    expect(parts[2]!.seq).toBeGreaterThan(parts[0]!.seq);
    const frame = await fetch(`${url}/api/v1/frame`);
    expect(frame.status).toBe(200);
    expect(isJpeg(Buffer.from(await frame.arrayBuffer()))).toBe(true);
  });

  it('takes quality and maxFps through PUT /api/v1/outputs/mjpeg, rejecting bad values', async () => {
    const bad = await fetch(`${url}/api/v1/outputs/mjpeg`, {
      method: 'PUT',
      body: JSON.stringify({ options: { quality: 0 } }),
    });
    expect(bad.status).toBe(400);
    expect(mjpeg.options().quality).toBe(80);
    const ok = await fetch(`${url}/api/v1/outputs/mjpeg`, {
      method: 'PUT',
      body: JSON.stringify({ options: { quality: 30, maxFps: 10 } }),
    });
    expect(ok.status).toBe(200);
    expect(mjpeg.jpegs.quality).toBe(30);
    expect(mjpeg.streams.maxFps).toBe(10);
  });

  it('disabled: open streams end properly, new ones get 503, /frame still answers', async () => {
    const res = await fetch(`${url}/api/v1/stream.mjpeg`);
    const reader = res.body!.getReader();
    await reader.read();
    await hub.setEnabled('mjpeg', false);
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('latin1');
    }
    expect(text.endsWith('--scopeframe--\r\n')).toBe(true);
    expect((await fetch(`${url}/api/v1/stream.mjpeg`)).status).toBe(503);
    const frame = await fetch(`${url}/api/v1/frame`);
    expect(frame.status).toBe(200);
    await hub.setEnabled('mjpeg', true);
    expect((await readMjpeg(`${url}/api/v1/stream.mjpeg`, 1)).parts).toHaveLength(1);
  });
});
