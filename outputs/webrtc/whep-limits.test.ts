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

  it('are capped per client, so a page cannot fill the server with them', async () => {
    const sdp = await deadOffer();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await offer(sdp)).status);
    expect(answers).toEqual([201, 201, 201, 201, 429]);
    expect(t.webrtc.sessionCount).toBe(4);
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
