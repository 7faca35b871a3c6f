/** A WHEP viewer (the IETF WebRTC-HTTP egress protocol): one SDP offer POSTed, the answer back, then receive only. */

export interface WhepSession {
  stream: MediaStream;
  close(): void;
}

/** Opens a receive-only session at `url`; rejects with a sentence when the server or ICE refuses. */
export async function openWhep(url: string, timeoutMs = 8000): Promise<WhepSession> {
  const pc = new RTCPeerConnection();
  const stream = new MediaStream();
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.ontrack = (e) => stream.addTrack(e.track);
  let resource: string | null = null;
  const close = () => {
    pc.close();
    // Tell the server the viewer left; it would notice eventually, this frees the slot now.
    if (resource) void fetch(new URL(resource, url), { method: 'DELETE' }).catch(() => {});
  };
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc, 1500);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: pc.localDescription?.sdp ?? '',
    });
    if (!res.ok) throw new Error(`WHEP ${url} answered HTTP ${res.status}`);
    resource = res.headers.get('location');
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    await connected(pc, timeoutMs);
    return { stream, close };
  } catch (err) {
    close();
    throw err;
  }
}

/** Waits for ICE gathering (the server gets all candidates in the offer; no trickle), at most `ms`. */
export function iceGathered(pc: RTCPeerConnection, ms: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => pc.iceGatheringState === 'complete' && done();
    const timer = setTimeout(done, ms);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** Resolves once the peer is connected; rejects when it fails, closes or takes longer than `ms`. */
export function connected(pc: RTCPeerConnection, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('WebRTC did not connect in time')), ms);
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') {
        clearTimeout(timer);
        resolve();
      } else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
        clearTimeout(timer);
        reject(new Error(`WebRTC connection ${pc.connectionState}`));
      }
    };
  });
}
