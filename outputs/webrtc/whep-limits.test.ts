import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualTimers } from '../../src/kernel/timers';
import { requireWrtc } from '../../src/media/wrtc';
import { loopbackOnly, startOutputScope } from '../test-support';
import { whepViewer } from './test-viewer';
import type { OutputTestScope } from '../test-support';

/** A real offer from a peer that will never apply the answer: a session that never connects. */
async function deadOffer(): Promise<string> {
  const { RTCPeerConnection } = requireWrtc();
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = loopbackOnly(pc.localDescription!.sdp);
  pc.close();
  return sdp;
}

describe('WHEP sessions that never connect', () => {
  let t: OutputTestScope;
  const timers = new ManualTimers();
  const offer = (sdp: string) =>
    fetch(`${t.url}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: sdp });

  beforeAll(async () => {
    t = await startOutputScope({ pipeline: 'test-pattern', width: 128, height: 128 }, { whepLimits: { timers } });
  });
  afterAll(() => t?.stop());

  it('are capped per local client by evicting the oldest, so a local script cannot lock a viewer out', async () => {
    const sdp = await deadOffer();
    const locations: string[] = [];
    for (let i = 0; i < 9; i++) {
      const res = await offer(sdp);
      expect(res.status).toBe(201);
      locations.push(res.headers.get('location')!);
    }
    // Eight pending offers from 127.0.0.1 at most: the ninth took the first one's place.
    expect(t.webrtc.sessionCount).toBe(8);
    expect((await fetch(t.url + locations[0]!, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(t.url + locations[8]!, { method: 'DELETE' })).status).toBe(200);
    expect(t.scope.logs.some((l) => /had not connected; closed to make room/.test(l))).toBe(true);
    // Back to what the next test expects: four offers still pending.
    for (const l of locations.slice(1, 5)) await fetch(t.url + l, { method: 'DELETE' });
    expect(t.webrtc.sessionCount).toBe(3);
    expect((await offer(sdp)).status).toBe(201);
    expect(t.webrtc.sessionCount).toBe(4);
  });

  it('a viewer gets in while a script keeps the output full of offers that never connect', async () => {
    t.webrtc.setOptions({ maxSessions: 4 });
    try {
      const viewer = await whepViewer(t.url);
      try {
        await viewer.frame();
        expect(viewer.decoded).toBeGreaterThan(0);
        expect(t.webrtc.sessionCount).toBe(4);
      } finally {
        await viewer.close();
      }
      // One dead offer made room for the viewer; three are left for the timeout.
      expect(t.webrtc.sessionCount).toBe(3);
      expect((await offer(await deadOffer())).status).toBe(201);
    } finally {
      t.webrtc.setOptions({ maxSessions: 16 });
    }
  });

  it('counts each refused offer in stats.refused', async () => {
    const before = t.scope.services.refusals.snapshot();
    const notSdp = await fetch(`${t.url}/whep`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'x',
    });
    expect(notSdp.status).toBe(415);
    const bad = await fetch(`${t.url}/whep`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp' },
      body: 'v=0',
    });
    expect(bad.status).toBe(400);
    const after = t.scope.services.refusals.snapshot();
    expect((after.whep_not_sdp ?? 0) - (before.whep_not_sdp ?? 0)).toBe(1);
    expect((after.whep_bad_offer ?? 0) - (before.whep_bad_offer ?? 0)).toBe(1);
  });

  it('expire after 10 s, and a real viewer gets in; a connected viewer does not expire', async () => {
    timers.advance(9_999);
    expect(t.webrtc.sessionCount).toBe(4);
    timers.advance(1);
    expect(t.webrtc.sessionCount).toBe(0);

    const viewer = await whepViewer(t.url);
    try {
      await viewer.frame();
      timers.advance(60_000);
      expect(t.webrtc.sessionCount).toBe(1);
      expect(viewer.decoded).toBeGreaterThan(0);
    } finally {
      await viewer.close();
    }
  });
});
