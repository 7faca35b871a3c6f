import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/server/test-support';
import { loadWrtc } from '../../src/media/wrtc';
import { ManualTimers } from '../../src/kernel/timers';
import { inputSeen, loopbackOnly, patch, readCode, startInputScope } from '../test-support';
import { whipPublisher } from './test-publisher';
import type { Frame } from '../../src/engine/frame';
import type { InputTestScope } from '../test-support';

const W = 256;
const H = 256;

/** A real offer whose only video codec is H.264 (what OBS sends by default), which libwebrtc here cannot decode. */
async function h264Offer(): Promise<string> {
  const { wrtc } = loadWrtc() as { wrtc: NonNullable<Extract<ReturnType<typeof loadWrtc>, { wrtc: unknown }>>['wrtc'] };
  const pc = new wrtc.RTCPeerConnection();
  pc.addTransceiver(new wrtc.nonstandard.RTCVideoSource().createTrack(), { direction: 'sendonly' });
  const offer = (await pc.createOffer()).sdp!;
  pc.close();
  const vp8 = /^a=rtpmap:(\d+) VP8\/90000$/m.exec(offer)![1]!;
  return loopbackOnly(
    offer
      .split('\r\n')
      .filter((l) => !/^a=(rtpmap|fmtp|rtcp-fb):\d+/.test(l) || l.startsWith(`a=rtpmap:${vp8} `))
      .map((l) => (l.startsWith('m=video ') ? `${l.split(' ').slice(0, 3).join(' ')} ${vp8}` : l))
      .map((l) => (l === `a=rtpmap:${vp8} VP8/90000` ? `a=rtpmap:${vp8} H264/90000` : l))
      .join('\r\n'),
  );
}

/** A real audio-only offer from libwebrtc: valid SDP, ICE and DTLS, but nothing to show. */
async function audioOnlyOffer(): Promise<string> {
  const { wrtc } = loadWrtc() as { wrtc: NonNullable<Extract<ReturnType<typeof loadWrtc>, { wrtc: unknown }>>['wrtc'] };
  const pc = new wrtc.RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'sendonly' });
  const offer = await pc.createOffer();
  pc.close();
  return loopbackOnly(offer.sdp ?? '');
}

describe('WHIP ingest through the real HTTP server into passthrough', () => {
  let t: InputTestScope;
  let latest: Frame | undefined;
  const put = (body: unknown) =>
    fetch(`${t.url}/api/v1/input`, { method: 'PUT', body: JSON.stringify(body) }).then((r) => r.json());

  beforeAll(async () => {
    t = await startInputScope({ pipeline: 'passthrough', width: W, height: H });
    t.scope.services.engine.onFrame((f) => (latest = f));
  });
  afterAll(() => t?.stop());

  it('answers an offer with 201, SDP and Location; the picture comes out of the pipeline; DELETE ends it', async () => {
    const pub = await whipPublisher(`${t.url}/whip`);
    try {
      expect(pub.response.headers.get('content-type')).toBe('application/sdp');
      expect(pub.location).toMatch(/^\/whip\/sessions\/[0-9a-f-]{36}$/);
      expect(pub.answer).toMatch(/^v=0\r\n/);
      expect(pub.answer).toContain('a=recvonly');
      expect(t.whip.sessionCount).toBe(1);
      await waitFor(
        () => t.hub.has('whip') && t.hub.info('whip').state === 'live',
        10_000,
        'the WHIP source live',
        inputSeen(t, 'whip'),
      );
      expect(t.hub.info('whip')).toMatchObject({ kind: 'whip', width: W, height: H, removable: true });
      expect(await put({ source: 'whip' })).toEqual({ source: 'whip', fit: 'cover' });

      // An output frame whose code is one the publisher sent (passthrough's grey NO INPUT reads as code 0, so a
      // frame with black blocks only does not count), then the publisher's two halves in it.
      const published = (f: Frame | undefined) => f !== undefined && readCode(f) !== 0 && pub.sentAt.has(readCode(f));
      await waitFor(() => published(latest), 10_000, 'a published frame out');
      const frame = latest!;
      const [lr, , lb] = patch(frame, 64, 160);
      const [rr, , rb] = patch(frame, 192, 160);
      expect(lr).toBeGreaterThan(160);
      expect(lb).toBeLessThan(90);
      expect(rb).toBeGreaterThan(160);
      expect(rr).toBeLessThan(90);

      const del = await fetch(t.url + pub.location!, { method: 'DELETE' });
      expect(del.status).toBe(200);
      expect(t.whip.sessionCount).toBe(0);
      expect(t.hub.info('whip')).toMatchObject({ state: 'lost' });
      expect(t.hub.info('whip').reason).toMatch(/publisher ended the session/);
      // The last picture is held: the output still shows it.
      const held = t.hub.frame(W, H)!;
      expect(patch(held, 64, 160)[0]).toBeGreaterThan(160);
      expect((await fetch(t.url + pub.location!, { method: 'DELETE' })).status).toBe(404);
    } finally {
      await pub.close();
    }
  });

  it('a second publisher on the same slot replaces the first (documented rule: the newest wins)', async () => {
    const first = await whipPublisher(`${t.url}/whip/camera`, { left: [220, 30, 30], right: [220, 30, 30] });
    const second = await whipPublisher(`${t.url}/whip/camera`, { left: [30, 200, 30], right: [30, 200, 30] });
    try {
      // The second takes the slot over once it is connected; the first session is then closed.
      await waitFor(() => t.whip.sessionCount === 1, 10_000, 'the first session to be replaced');
      expect(t.whip.has(first.location!.split('/').pop()!)).toBe(false);
      await put({ source: 'whip-camera' });
      await waitFor(() => latest !== undefined && patch(latest, 128, 160)[1]! > 150, 10_000, 'green frames');
      expect(t.hub.info('whip-camera').state).toBe('live');
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a publisher that dies mid-stream: the source is lost, holds its last frame, and comes back with the next', async () => {
    const pub = await whipPublisher(`${t.url}/whip/crash`);
    await put({ source: 'whip-crash' });
    await waitFor(() => t.hub.info('whip-crash').state === 'live', 10_000, 'live', inputSeen(t, 'whip-crash'));
    pub.kill();
    await waitFor(
      () => t.hub.info('whip-crash').state === 'lost',
      10_000,
      'the loss to show',
      inputSeen(t, 'whip-crash'),
    );
    expect(t.hub.frame(W, H)).toBeDefined();
    const again = await whipPublisher(`${t.url}/whip/crash`);
    try {
      await waitFor(() => t.hub.info('whip-crash').state === 'live', 10_000, 'live again', inputSeen(t, 'whip-crash'));
      expect(t.hub.selection().source).toBe('whip-crash');
    } finally {
      await again.close();
    }
  });

  it.each([
    ['an offer without video', audioOnlyOffer],
    ['not SDP at all', async () => 'hello world'],
    [
      'SDP with video but no ICE or DTLS',
      async () => 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP 96\r\n',
    ],
  ])('refuses %s with 400 and leaves nothing behind', async (_, body) => {
    const before = t.hub.list().length;
    const res = await fetch(`${t.url}/whip/nothing`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp' },
      body: await body(),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toBe('');
    expect(t.hub.has('whip-nothing')).toBe(false);
    expect(t.hub.list()).toHaveLength(before);
    expect(t.whip.sessionCount).toBe(0);
  });

  it('refuses an offer in H.264 only (OBS’s default) with 400 naming the codecs that would do, leaving nothing', async () => {
    const res = await fetch(`${t.url}/whip/obs-h264`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp' },
      body: await h264Offer(),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(
      /offered video codecs \(H264\) can be decoded here \(VP8, .*AV1.*\); in OBS choose an AV1/,
    );
    expect(t.hub.has('whip-obs-h264')).toBe(false);
    expect(t.whip.sessionCount).toBe(0);
  });

  it('refuses a viewer’s recvonly offer (that belongs at /whep), the wrong content type, and a bad slot', async () => {
    const { wrtc } = loadWrtc() as {
      wrtc: NonNullable<Extract<ReturnType<typeof loadWrtc>, { wrtc: unknown }>>['wrtc'];
    };
    const pc = new wrtc.RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    const offer = (await pc.createOffer()).sdp!;
    pc.close();
    const post = (path: string, body: string, type = 'application/sdp') =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });
    const viewer = await post('/whip', offer);
    expect(viewer.status).toBe(400);
    expect(await viewer.text()).toMatch(/sends no video/);
    expect((await post('/whip', offer, 'text/plain')).status).toBe(415);
    expect((await post('/whip/Not_A_Slot', offer)).status).toBe(404);
    expect(t.whip.sessionCount).toBe(0);
  });

  it('takes an offer with audio too (as OBS sends), answering the audio inactive', async () => {
    const pub = await whipPublisher(`${t.url}/whip/obs`, { audio: true });
    try {
      expect(pub.answer).toMatch(/m=audio[^]*a=inactive/);
      await waitFor(() => t.hub.info('whip-obs').state === 'live', 10_000, 'live', inputSeen(t, 'whip-obs'));
    } finally {
      await pub.close();
    }
  });

  it('OPTIONS advertises application/sdp; PATCH says trickle is not supported', async () => {
    const options = await fetch(`${t.url}/whip`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('accept-post')).toBe('application/sdp');
    expect((await fetch(`${t.url}/whip/sessions/nope`, { method: 'PATCH' })).status).toBe(404);
    const pub = await whipPublisher(`${t.url}/whip`);
    try {
      const res = await fetch(t.url + pub.location!, { method: 'PATCH' });
      expect(res.status).toBe(405);
      expect(await res.text()).toMatch(/trickle/i);
    } finally {
      await pub.close();
    }
  });

  it('goes through the request guard like /whep: a page of another origin may not publish; big offers are cut off', async () => {
    const offer = await audioOnlyOffer();
    const foreign = await fetch(`${t.url}/whip/evil`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Origin: 'http://evil.example' },
      body: offer,
    });
    expect(foreign.status).toBe(403);
    const big = await fetch(`${t.url}/whip/big`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp' },
      body: 'v=0\r\n' + 'a=x-padding:'.padEnd(100_000, 'x') + '\r\n',
    });
    expect(big.status).toBe(413);
    expect(t.hub.has('whip-evil') || t.hub.has('whip-big')).toBe(false);
    expect(t.whip.sessionCount).toBe(0);
  });
});

describe('WHIP offers that never connect', () => {
  let t: InputTestScope;
  const timers = new ManualTimers();

  beforeAll(async () => {
    t = await startInputScope({ pipeline: 'passthrough', width: W, height: H }, {}, { timers, pendingLoopback: 2 });
  });
  afterAll(() => t?.stop());

  /** A real offer whose candidates are all removed: the server can never reach it. */
  async function unreachableOffer(): Promise<string> {
    const { wrtc } = loadWrtc() as {
      wrtc: NonNullable<Extract<ReturnType<typeof loadWrtc>, { wrtc: unknown }>>['wrtc'];
    };
    const pc = new wrtc.RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'sendonly' });
    const offer = (await pc.createOffer()).sdp!;
    pc.close();
    return offer
      .split('\r\n')
      .filter((l) => !l.startsWith('a=candidate:'))
      .join('\r\n');
  }
  const post = async (slot: string) =>
    fetch(`${t.url}/whip/${slot}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp' },
      body: await unreachableOffer(),
    });

  it('leave the live publisher alone, expire after the connect timeout, and are capped per local client (oldest out)', async () => {
    const live = await whipPublisher(`${t.url}/whip/stage`);
    try {
      await waitFor(
        () => t.hub.has('whip-stage') && t.hub.info('whip-stage').state === 'live',
        10_000,
        'live',
        inputSeen(t, 'whip-stage'),
      );
      const first = await post('stage');
      expect(first.status).toBe(201);
      expect((await post('stage')).status).toBe(201);
      // Two pending from this machine at most: the third takes the first one's place instead of being refused.
      const third = await post('stage');
      expect(third.status).toBe(201);
      expect(t.whip.sessionCount).toBe(3);
      expect(t.whip.has(first.headers.get('location')!.split('/').at(-1)!)).toBe(false);
      const frames = t.hub.info('whip-stage').frames;
      await waitFor(
        () => t.hub.info('whip-stage').frames > frames + 5,
        10_000,
        'the live publisher to go on',
        inputSeen(t, 'whip-stage'),
      );
      timers.advance(10_000);
      expect(t.whip.sessionCount).toBe(1);
      expect(t.hub.info('whip-stage').state).toBe('live');
    } finally {
      await live.close();
    }
  });
});
