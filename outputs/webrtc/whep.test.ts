import { waitFor } from '../../src/server/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrameCode } from '../../pipelines/test-pattern/frame-code';
import { readScaledFrameCode, startOutputScope } from '../test-support';
import { whepViewer } from './test-viewer';
import type { Image } from '../../src/engine/frame';
import type { OutputTestScope } from '../test-support';

const W = 256;
const H = 256;
// The test pattern's 75% bars, left to right, sampled mid-bar on the row at 40% of the height.
const BARS = [
  [191, 191, 191],
  [191, 191, 0],
  [0, 191, 191],
  [0, 191, 0],
  [191, 0, 191],
  [191, 0, 0],
  [0, 0, 191],
];

function barColours(image: Image): number[][] {
  const y = Math.round(image.height * 0.4);
  return BARS.map((_, i) => {
    const x = Math.round(((i + 0.5) * image.width) / BARS.length);
    const o = (y * image.width + x) * 4;
    return [image.data[o]!, image.data[o + 1]!, image.data[o + 2]!];
  });
}

describe('WHEP output through the real HTTP server', () => {
  let t: OutputTestScope;
  const rendered = new Set<number>();

  beforeAll(async () => {
    t = await startOutputScope({ pipeline: 'test-pattern', width: W, height: H });
    // Still bars, so a decoded frame can be compared with the pattern colour by colour.
    t.scope.services.params.set('speed', 0, 'http');
    t.scope.services.engine.onFrame((f) => rendered.add(readFrameCode(f)));
  });
  afterAll(() => t?.stop());

  it('answers an offer with 201, SDP, Location and ETag; the viewer decodes the pipeline; DELETE ends it', async () => {
    const viewer = await whepViewer(t.url);
    try {
      expect(viewer.response.headers.get('content-type')).toBe('application/sdp');
      const location = viewer.response.headers.get('location')!;
      expect(location).toMatch(/^\/whep\/[0-9a-f-]{36}$/);
      expect(viewer.response.headers.get('etag')).toMatch(/^".+"$/);
      expect(viewer.answer).toMatch(/^v=0\r\n/);
      expect(viewer.answer).toContain('a=sendonly');
      expect(t.webrtc.sessionCount).toBe(1);

      // A frame whose code is one the pipeline drew, bars in their colours (H.264 moves them a little).
      const image = await viewer.frame((img) => rendered.has(readScaledFrameCode(img, W)));
      const bars = barColours(image);
      bars.forEach((rgb, i) => rgb.forEach((v, c) => expect(Math.abs(v - BARS[i]![c]!)).toBeLessThan(40)));
      const listed = t.hub.info('webrtc');
      expect(listed).toMatchObject({ state: 'running', clients: 1, enabled: true });
      // The frame rate listed is what really went to the viewer (measured over a second).
      await waitFor(() => t.hub.info('webrtc').fps > 0, 5000, 'a sent frame rate');

      const del = await fetch(t.url + location, { method: 'DELETE' });
      expect(del.status).toBe(200);
      expect(t.webrtc.sessionCount).toBe(0);
      expect((await fetch(t.url + location, { method: 'DELETE' })).status).toBe(404);
    } finally {
      await viewer.close();
    }
  });

  it.each([
    ['not SDP at all', 'hello world'],
    ['SDP without video', 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n'],
    ['SDP with video but no ICE or DTLS', 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP 96\r\n'],
  ])('refuses %s with 400 and keeps no session', async (_, body) => {
    const res = await fetch(`${t.url}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toBe('');
    expect(t.webrtc.sessionCount).toBe(0);
  });

  it('refuses an offer over 64 KiB with 413 while it arrives, and keeps no session', async () => {
    const body = 'v=0\r\n' + 'a=x-padding:'.padEnd(100_000, 'x') + '\r\n';
    const res = await fetch(`${t.url}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body });
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/over 65536 bytes/);
    expect(t.webrtc.sessionCount).toBe(0);
  });

  it('refuses a body that is not application/sdp with 415', async () => {
    const res = await fetch(`${t.url}/whep`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'v=0',
    });
    expect(res.status).toBe(415);
    expect(t.webrtc.sessionCount).toBe(0);
  });

  it('OPTIONS advertises application/sdp, with CORS for allowed origins only; PATCH says trickle is not supported', async () => {
    const origin = t.url.replace('127.0.0.1', 'localhost');
    const own = await fetch(`${t.url}/whep`, { method: 'OPTIONS', headers: { Origin: origin } });
    expect(own.status).toBe(204);
    expect(own.headers.get('accept-post')).toBe('application/sdp');
    expect(own.headers.get('access-control-allow-origin')).toBe(origin);
    expect(own.headers.get('access-control-expose-headers')).toContain('Location');
    for (const other of ['http://player.example', 'http://localhost:5173']) {
      const foreign = await fetch(`${t.url}/whep`, { method: 'OPTIONS', headers: { Origin: other } });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    }
    const post = await fetch(`${t.url}/whep`, {
      method: 'POST',
      headers: { Origin: 'http://player.example', 'Content-Type': 'application/sdp' },
      body: 'v=0',
    });
    expect(post.status).toBe(403);
    expect(t.webrtc.sessionCount).toBe(0);
    expect((await fetch(`${t.url}/whep/nope`, { method: 'PATCH' })).status).toBe(404);
    const viewer = await whepViewer(t.url);
    try {
      const location = viewer.response.headers.get('location')!;
      const patch = await fetch(t.url + location, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/trickle-ice-sdpfrag' },
      });
      expect(patch.status).toBe(405);
      expect(await patch.text()).toMatch(/trickle/i);
    } finally {
      await viewer.close();
    }
    expect(t.webrtc.sessionCount).toBe(0);
  });

  it('caps the number of viewers', async () => {
    t.webrtc.setOptions({ maxSessions: 1 });
    const first = await whepViewer(t.url);
    try {
      await expect(whepViewer(t.url)).rejects.toThrow(/503/);
      expect(t.webrtc.sessionCount).toBe(1);
    } finally {
      await first.close();
      t.webrtc.setOptions({ maxSessions: 16 });
    }
    expect(t.webrtc.sessionCount).toBe(0);
  });

  it('serves the player page', async () => {
    const res = await fetch(`${t.url}/output`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<video');
    expect(html).toContain("'/whep'".replace(/'/g, '"'));
    expect(html).not.toMatch(/<script[^>]+src=/);
  });
});
