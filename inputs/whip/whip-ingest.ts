import { randomUUID } from 'node:crypto';
import { filterCandidates } from '../../src/media/sdp';
import { iceGathered, loadWrtc } from '../../src/media/wrtc';
import { whipOfferProblem } from './sdp';
import { WhipSource } from './whip-source';
import type { InputHub } from '../hub';
import type { WhipSession } from './whip-source';

export interface WhipIngestOptions {
  /** STUN/TURN URLs; none is right on a LAN or loopback. */
  iceServers: string[];
  /** Offer only ICE candidates on these addresses (pin an interface, or loopback in tests); empty offers all. */
  hostCandidates: string[];
  /** Publishing slots at once (each decodes a stream). */
  maxSlots: number;
  log: (message: string) => void;
}

const defaults: WhipIngestOptions = { iceServers: [], hostCandidates: [], maxSlots: 8, log: () => {} };

const GATHER_TIMEOUT_MS = 3000;
const CONNECT_TIMEOUT_MS = 30_000;
const DISCONNECTED_GRACE_MS = 5000;

export class WhipError extends Error {
  constructor(
    readonly status: 400 | 404 | 503,
    message: string,
  ) {
    super(message);
  }
}

/** A slot name from the URL (`/whip/<slot>`): lowercase letters, digits and dashes. */
export const SLOT = /^[a-z0-9][a-z0-9-]{0,31}$/;

interface Live extends WhipSession {
  pc: RTCPeerConnection;
  source: WhipSource;
  sink: { stop(): void } | undefined;
  timer: NodeJS.Timeout | undefined;
  done: boolean;
}

/**
 * WHIP ingest (RFC 9725): each POSTed offer becomes a receive-only peer connection whose video is decoded by
 * libwebrtc and handed, frame by frame, to the slot's WhipSource in the input hub. The slot's source is created
 * at the first publish and stays listed; a second publisher to the same slot replaces the first.
 */
export class WhipIngest {
  private readonly o: WhipIngestOptions;
  private readonly sessions = new Map<string, Live>();

  constructor(
    private readonly hub: InputHub,
    options: Partial<WhipIngestOptions> = {},
  ) {
    this.o = { ...defaults, ...options } satisfies WhipIngestOptions;
  }

  /** The source id and URL path of a slot (`undefined`: the plain `/whip`). */
  static slot(slot?: string): { id: string; path: string } {
    return slot === undefined ? { id: 'whip', path: '/whip' } : { id: `whip-${slot}`, path: `/whip/${slot}` };
  }

  /** Answers an offer for `slot`: the session id (for the Location) and the complete SDP answer. */
  async publish(offer: string, slot?: string, publisher = 'unknown'): Promise<{ id: string; sdp: string }> {
    const loaded = loadWrtc();
    if (!('wrtc' in loaded)) throw new WhipError(503, loaded.reason);
    const problem = whipOfferProblem(offer);
    if (problem) throw new WhipError(400, problem);
    const { id: sourceId, path } = WhipIngest.slot(slot);
    const existing = this.hub.get(sourceId);
    if (existing && !(existing instanceof WhipSource)) throw new WhipError(503, `input ${sourceId} is not a WHIP slot`);
    const slots = this.hub.list().filter((i) => i.kind === 'whip').length;
    if (!existing && slots >= this.o.maxSlots) {
      throw new WhipError(503, `already ${slots} WHIP slots, the most this server takes; remove one first`);
    }
    const { RTCPeerConnection, nonstandard } = loaded.wrtc;
    const pc = new RTCPeerConnection({ iceServers: this.o.iceServers.map((urls) => ({ urls })) });
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      const transceivers = pc.getTransceivers();
      const video = transceivers.find((t) => t.receiver.track.kind === 'video');
      if (!video) throw new WhipError(400, 'the SDP offer has no video m-line');
      // Receive the first video only; audio and any other section are answered inactive.
      for (const t of transceivers) t.direction = t === video ? 'recvonly' : 'inactive';
      await pc.setLocalDescription(await pc.createAnswer());
      await iceGathered(pc, GATHER_TIMEOUT_MS);
      let sdp = pc.localDescription?.sdp ?? '';
      const hosts = this.o.hostCandidates;
      if (hosts.length > 0) sdp = filterCandidates(sdp, (a) => hosts.includes(a));
      const source = existing ?? new WhipSource(sourceId, path);
      if (!existing) await this.hub.add(source, true);
      const session = this.adopt(pc, source);
      const sink = new nonstandard.RTCVideoSink(video.receiver.track);
      sink.onframe = ({ frame }: { frame: { width: number; height: number; data: Uint8Array } }) =>
        source.frame(session, frame);
      session.sink = sink;
      source.attach(session, publisher);
      this.o.log(`WHIP publisher ${publisher} on ${path} (session ${session.id.slice(0, 8)}).`);
      return { id: session.id, sdp };
    } catch (err) {
      pc.close();
      if (err instanceof WhipError) throw err;
      // libwebrtc rejects what it cannot parse; to the publisher that is a bad offer, not a server fault.
      throw new WhipError(400, `the SDP offer was refused: ${(err as Error).message}`);
    }
  }

  /** Ends a session (WHIP DELETE); false when there is none with this id. */
  end(id: string): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    this.finish(s, 'the publisher ended the session');
    return true;
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Ends every session (server stop). */
  close(): void {
    for (const s of [...this.sessions.values()]) this.finish(s, 'the server is stopping');
  }

  private adopt(pc: RTCPeerConnection, source: WhipSource): Live {
    const s: Live = {
      id: randomUUID(),
      pc,
      source,
      sink: undefined,
      timer: undefined,
      done: false,
      close: () => this.finish(s, 'replaced by a new publisher', false),
    };
    this.sessions.set(s.id, s);
    s.timer = setTimeout(() => this.finish(s, 'the publisher never connected'), CONNECT_TIMEOUT_MS);
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      clearTimeout(s.timer);
      if (state === 'failed' || state === 'closed') this.finish(s, `the WebRTC connection ${state}`);
      else if (state === 'disconnected') {
        s.timer = setTimeout(() => this.finish(s, 'the publisher disconnected'), DISCONNECTED_GRACE_MS);
      }
    };
    return s;
  }

  /** Closes the peer connection once; the source is told (unless it is the one replacing the session). */
  private finish(s: Live, reason: string, tell = true): void {
    if (s.done) return;
    s.done = true;
    this.sessions.delete(s.id);
    clearTimeout(s.timer);
    s.sink?.stop();
    s.pc.onconnectionstatechange = null;
    s.pc.close();
    if (tell) s.source.ended(s, reason);
  }
}
