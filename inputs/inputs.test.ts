import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSocket, call, waitFor } from '../src/server/test-support';
import { makeClip } from './ffmpeg/test-clip';
import { patch, startInputScope } from './test-support';
import type { Frame } from '../src/engine/frame';
import type { InputTestScope } from './test-support';

/** One OSC message with one string argument (OSC 1.0: NUL-padded to 4 bytes). */
function oscString(address: string, value: string): Buffer {
  const pad = (s: string) => {
    const b = Buffer.from(`${s}\0`);
    return Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  };
  return Buffer.concat([pad(address), pad(',s'), pad(value)]);
}

describe('inputs over the API, into passthrough', () => {
  let t: InputTestScope;
  let latest: Frame | undefined;
  let clip: string;
  const api = (path: string) => `${t.url}/api/v1${path}`;

  beforeAll(async () => {
    clip = makeClip(mkdtempSync(join(tmpdir(), 'scope-api-')), 'bars.mkv', { seconds: 2 });
    t = await startInputScope({ pipeline: 'passthrough', width: 128, height: 128, oscPort: 0 });
    t.scope.services.engine.onFrame((f) => (latest = f));
  });
  afterAll(() => t?.stop());

  it('lists the built-in sources with their state or why they are unavailable', async () => {
    const { status, body } = await call(api('/inputs'));
    expect(status).toBe(200);
    const byId = Object.fromEntries((body as { id: string }[]).map((i) => [i.id, i]));
    expect(byId.feedback).toMatchObject({ kind: 'feedback', available: true, removable: false });
    expect(byId.syphon).toMatchObject({
      available: false,
      state: 'unavailable',
      reason: expect.stringMatching(/macOS/),
    });
    expect(byId.spout).toMatchObject({ available: false, reason: expect.stringMatching(/Windows/) });
    expect((await call(api('/input'))).body).toEqual({ source: null, fit: 'cover' });
  });

  it('a clip added over POST plays through passthrough, recognisably; DELETE stops it and the output says NO INPUT', async () => {
    const added = await call(api('/inputs'), { body: { kind: 'file', path: clip, id: 'bars' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: 'bars', kind: 'file', name: 'bars.mkv', removable: true });
    const chosen = await call(api('/input'), { method: 'PUT', body: { source: 'bars' } });
    expect(chosen.body).toEqual({ source: 'bars', fit: 'cover' });
    // 160x120 covered into 128x128: the left half is still red, the right half blue.
    await waitFor(() => latest !== undefined && patch(latest, 20, 64)[0]! > 200, 10_000, 'the clip in the output');
    const frame = latest!;
    expect(patch(frame, 20, 64)[2]).toBeLessThan(60);
    expect(patch(frame, 108, 64)[2]).toBeGreaterThan(200);
    expect(patch(frame, 108, 64)[0]).toBeLessThan(60);
    const listed = (await call(api('/inputs/bars'))).body;
    expect(listed).toMatchObject({ state: 'live', width: 160, height: 120, active: true });
    expect(listed.fps).toBeGreaterThan(0);

    const preview = await fetch(api('/inputs/bars/preview.jpg'));
    expect(preview.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await preview.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([160, 120]);

    const del = await fetch(api('/inputs/bars'), { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await call(api('/input'))).body.source).toBeNull();
    await waitFor(() => latest !== undefined && patch(latest, 20, 64)[0] === 32, 5000, 'NO INPUT again');
    expect((await call(api('/inputs/bars'))).status).toBe(404);
  });

  it.each([
    [
      'an unreadable path',
      { kind: 'file', path: '/nonexistent/x.mp4' },
      400,
      /cannot read \/nonexistent\/x\.mp4: no such file/,
    ],
    ['a folder', { kind: 'file', path: '/tmp' }, 400, /not a regular file/],
    ['an unknown kind', { kind: 'rtsp', url: 'rtsp://x' }, 400, /invalid input/],
    ['a stray field', { kind: 'file', path: '/tmp/x.mp4', shell: 'rm -rf /' }, 400, /invalid input/],
    ['a bad camera', { kind: 'camera', device: '/etc/passwd' }, 400, /\/dev\/videoN/],
    ['a taken id', { kind: 'ndi', name: 'x', id: 'feedback' }, 409, /already exists/],
    ['Syphon on Linux', { kind: 'syphon', server: 'TD' }, 409, /only on macOS/],
  ])('POST with %s is refused (%i) and adds nothing', async (_, body, status, message) => {
    const before = (await call(api('/inputs'))).body.length;
    const res = await call(api('/inputs'), { body });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
    expect((await call(api('/inputs'))).body).toHaveLength(before);
  });

  it('refuses to remove a built-in source, an unknown choice, and a bad option, changing nothing', async () => {
    expect((await call(api('/inputs/feedback'), { method: 'DELETE' })).status).toBe(409);
    const unknown = await call(api('/input'), { method: 'PUT', body: { source: 'nope', fit: 'contain' } });
    expect(unknown.status).toBe(404);
    expect((await call(api('/input'))).body).toEqual({ source: null, fit: 'cover' });
    const bad = await call(api('/inputs/feedback'), { method: 'PUT', body: { options: { zoom: 50 } } });
    expect(bad.status).toBe(400);
    expect((await call(api('/inputs/feedback'))).body.options.zoom).toBe(1.02);
    const good = await call(api('/inputs/feedback'), { method: 'PUT', body: { options: { zoom: 1.1 } } });
    expect(good.body.options.zoom).toBe(1.1);
  });

  it('OSC /scope/input "<id>" chooses the input, and WebSocket clients are told', async () => {
    const ws = await TestSocket.open(t.url);
    const udp = createSocket('udp4');
    try {
      udp.send(oscString('/scope/input', 'feedback'), t.scope.osc!.port, '127.0.0.1');
      await waitFor(() => t.hub.selection().source === 'feedback', 5000, 'the OSC command');
      const event = await ws.take('event', (m) => m.topic === 'input');
      expect(event.data).toEqual({ source: 'feedback', fit: 'cover' });
      udp.send(oscString('/scope/input', 'none'), t.scope.osc!.port, '127.0.0.1');
      await waitFor(() => t.hub.selection().source === null, 5000, 'no input');
      // Over HTTP, the same command; an unknown id is rejected with the reason.
      const rejected = await call(api('/commands/input'), { body: { value: 'nope' } });
      expect(rejected.status).toBe(409);
      expect(rejected.body.error.message).toMatch(/no input "nope"/);
      expect((await call(api('/commands/input/fit'), { body: { value: 'contain' } })).status).toBe(200);
      expect(t.hub.selection().fit).toBe('contain');
    } finally {
      udp.close();
      await ws.close();
    }
  });

  it('lists what could be added: ffmpeg, cameras, NDI senders, Syphon and Spout', async () => {
    const { body } = await call(api('/input/devices'));
    expect(body.ffmpeg).toMatchObject({ available: true });
    expect(Array.isArray(body.cameras)).toBe(true);
    expect(body.ndi).toHaveProperty('names');
    expect(body.syphon).toMatchObject({ available: false });
  });
});
