import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJpeg, readMjpeg, settles, startTestScope } from '../../src/server/test-support';
import type { OutputHub } from '../hub';
import type { MjpegOutput } from './mjpeg-output';

describe('MJPEG as an output of the hub, with its own routes, in the server npm start runs', () => {
  let scope: Awaited<ReturnType<typeof startTestScope>>;
  let url: string;
  let hub: OutputHub;
  let mjpeg: MjpegOutput;

  beforeAll(async () => {
    scope = await startTestScope({ oscPort: null, oscQueryPort: null });
    hub = scope.outputs;
    mjpeg = hub.get('mjpeg') as MjpegOutput;
    url = scope.url;
  });
  afterAll(() => scope.stop());

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
    const ended = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += Buffer.from(value).toString('latin1');
      }
    })();
    await settles(
      ended,
      10_000,
      'the open stream to end',
      () => `${text.length} bytes, ending ${JSON.stringify(text.slice(-40))}`,
    );
    expect(text.endsWith('--scopeframe--\r\n')).toBe(true);
    expect((await fetch(`${url}/api/v1/stream.mjpeg`)).status).toBe(503);
    const frame = await fetch(`${url}/api/v1/frame`);
    expect(frame.status).toBe(200);
    await hub.setEnabled('mjpeg', true);
    expect((await readMjpeg(`${url}/api/v1/stream.mjpeg`, 1)).parts).toHaveLength(1);
  });
});
