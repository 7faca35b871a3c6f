/** A WHIP publisher (RFC 9725, the ingest twin of WHEP): one SDP offer POSTed, the answer back, then send only. */
import { connected, iceGathered } from './whep';

export interface WhipPublication {
  /** Ends publishing: DELETE on the session, the peer closed, the camera or screen capture stopped. */
  close(): void;
  /** Called once when publishing ends by itself (the connection failed, the user stopped the screen share). */
  onended: (() => void) | null;
}

/**
 * Publishes the first video track of `stream` (and its first audio track, if any: the server's audio meters hear it)
 * to `url`; rejects with a sentence when the server or ICE refuses.
 */
export async function publishWhip(url: string, stream: MediaStream, timeoutMs = 8000): Promise<WhipPublication> {
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('nothing to publish: the stream has no video');
  const pc = new RTCPeerConnection();
  pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
  const audio = stream.getAudioTracks()[0];
  if (audio) pc.addTransceiver(audio, { direction: 'sendonly', streams: [stream] });
  let resource: string | null = null;
  let closed = false;
  const publication: WhipPublication = {
    onended: null,
    close: () => {
      if (closed) return;
      closed = true;
      pc.close();
      for (const t of stream.getTracks()) t.stop();
      // Tell the server the publisher left; it would notice eventually, this frees the slot now.
      if (resource) void fetch(new URL(resource, location.href), { method: 'DELETE' }).catch(() => {});
    },
  };
  const ended = () => {
    if (closed) return;
    publication.close();
    publication.onended?.();
  };
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc, 1500);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: pc.localDescription?.sdp ?? '',
    });
    if (!res.ok) throw new Error(`WHIP ${url} answered HTTP ${res.status}: ${(await res.text()).trim()}`);
    resource = res.headers.get('location');
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    await connected(pc, timeoutMs);
  } catch (err) {
    publication.close();
    throw err;
  }
  // The browser's own "Stop sharing" button ends the track; a dropped connection ends the session.
  track.addEventListener('ended', ended);
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'failed' || pc.connectionState === 'closed') ended();
  });
  return publication;
}
