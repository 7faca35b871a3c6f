import { randomUUID } from 'node:crypto';
import { realTimers } from '../../src/kernel/timers';
import { filterCandidates } from '../../src/media/sdp';
import { admitOffer, offerQuotaDefaults } from '../../src/media/offer-quota';
import { iceGathered, loadWrtc } from '../../src/media/wrtc';
import type { Wrtc } from '../../src/media/wrtc';
import { videoCodecs, videoRejected, whipOfferProblem } from './sdp';
import { WhipSource } from './whip-source';
import type { Timers } from '../../src/kernel/timers';
import type { InputHub } from '../hub';
import type { WhipSession } from './whip-source';

export interface WhipIngestOptions {
  /** STUN/TURN URLs; none is right on a LAN or loopback. */
  iceServers: string[];
  /** Offer only ICE candidates on these addresses (pin an interface, or loopback in tests); empty offers all. */
  hostCandidates: string[];
  /** Publishing slots at once (each decodes a stream). */
  maxSlots: number;
  /** A session that has not connected by then is closed (the slot keeps its current publisher meanwhile). */
  connectTimeoutMs: number;
  /** Sessions not yet connected that another machine may hold at once (429 past it). */
  pendingPerClient: number;
  /** Sessions not yet connected that this machine may hold; a further offer evicts the oldest (see offer-quota). */
  pendingLoopback: number;
  /** Timeouts run on these; tests pass ManualTimers. */
  timers: Timers;
  log: (message: string) => void;
  /**
   * The audio of live publishers (the panel's microphone), as mono samples -1..1 at their rate; without it, offered
   * audio is answered inactive and never decoded.
   */
  onAudio: ((samples: Float32Array, sampleRate: number) => void) | undefined;
}

const defaults: WhipIngestOptions = {
  iceServers: [],
  hostCandidates: [],
  maxSlots: 8,
  connectTimeoutMs: 10_000,
  pendingPerClient: offerQuotaDefaults.remote,
  pendingLoopback: offerQuotaDefaults.loopback,
  timers: realTimers,
  log: () => {},
  onAudio: undefined,
};

const GATHER_TIMEOUT_MS = 3000;
const DISCONNECTED_GRACE_MS = 5000;

export class WhipError extends Error {
  constructor(
    readonly status: 400 | 404 | 429 | 503,
    message: string,
  ) {
    super(message);
  }
}

/** 16-bit PCM as RTCAudioSink hands it over (interleaved when there are several channels). */
interface PcmData {
  samples: Int16Array;
  sampleRate: number;
  channelCount: number;
  numberOfFrames: number;
}

/** Interleaved 16-bit PCM as mono samples -1..1 (the channels averaged). */
export function toMono({ samples, channelCount, numberOfFrames }: PcmData): Float32Array {
  const out = new Float32Array(numberOfFrames);
  const channels = Math.max(1, channelCount);
  for (let i = 0; i < numberOfFrames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[i * channels + c]!;
    out[i] = sum / channels / 32768;
  }
  return out;
}

/** A slot name from the URL (`/whip/<slot>`): lowercase letters, digits and dashes. */
export const SLOT = /^[a-z0-9][a-z0-9-]{0,31}$/;

interface Live extends WhipSession {
  pc: RTCPeerConnection;
  source: WhipSource;
  /** The publisher's address (the per-client cap on sessions not yet connected). */
  client: string;
  connected: boolean;
  sink: { stop(): void } | undefined;
  audioSink: { stop(): void } | undefined;
  cancelTimer: (() => void) | undefined;
  done: boolean;
}

/**
 * WHIP ingest (RFC 9725): each POSTed offer becomes a receive-only peer connection whose video is decoded by
 * libwebrtc and handed, frame by frame, to the slot's WhipSource in the input hub. The slot's source is created
 * at the first publish and stays listed. A second publisher to the same slot replaces the first as soon as it
 * is connected (an offer that never connects leaves the running publisher alone).
 */
export class WhipIngest {
  private readonly o: WhipIngestOptions;
  private readonly sessions = new Map<string, Live>();
  private decodable: Promise<string[]> | undefined;

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
    // Slots, not sessions, bound WHIP as a whole: only the per-address quota applies.
    const verdict = admitOffer(this.sessions.values(), publisher, {
      remote: this.o.pendingPerClient,
      loopback: this.o.pendingLoopback,
      total: Infinity,
    });
    if (!verdict.ok) throw new WhipError(verdict.status, verdict.message);
    for (const s of verdict.evict)
      this.finish(s, 'it had not connected, and a new offer from this machine took its place');
    const { RTCPeerConnection, nonstandard } = loaded.wrtc;
    const pc = new RTCPeerConnection({ iceServers: this.o.iceServers.map((urls) => ({ urls })) });
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      const transceivers = pc.getTransceivers();
      const video = transceivers.find((t) => t.receiver.track.kind === 'video');
      if (!video) throw new WhipError(400, 'the SDP offer has no video m-line');
      // Receive the first video, and the first audio when someone listens to it; the rest is answered inactive.
      const onAudio = this.o.onAudio;
      const audio = onAudio ? transceivers.find((t) => t.receiver.track.kind === 'audio') : undefined;
      for (const t of transceivers) t.direction = t === video || t === audio ? 'recvonly' : 'inactive';
      const answer = await pc.createAnswer();
      if (videoRejected(answer.sdp ?? '')) throw new WhipError(400, await this.codecProblem(offer, loaded.wrtc));
      await pc.setLocalDescription(answer);
      await iceGathered(pc, GATHER_TIMEOUT_MS);
      let sdp = pc.localDescription?.sdp ?? '';
      const hosts = this.o.hostCandidates;
      if (hosts.length > 0) sdp = filterCandidates(sdp, (a) => hosts.includes(a));
      const source = existing ?? new WhipSource(sourceId, path);
      if (!existing) await this.hub.add(source, true);
      const session = this.adopt(pc, source, publisher);
      const sink = new nonstandard.RTCVideoSink(video.receiver.track);
      sink.onframe = ({ frame }: { frame: { width: number; height: number; data: Uint8Array } }) =>
        source.frame(session, frame);
      session.sink = sink;
      if (audio && onAudio) {
        const audioSink = new nonstandard.RTCAudioSink(audio.receiver.track);
        // Only the publisher that holds the slot is heard; one that is still connecting, or was replaced, is not.
        audioSink.ondata = (data: PcmData) =>
          session.connected && !session.done && onAudio(toMono(data), data.sampleRate);
        session.audioSink = audioSink;
      }
      this.o.log(`WHIP offer from ${publisher} on ${path} (session ${session.id.slice(0, 8)}).`);
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

  /** Why the video was refused: no codec in common, said with what was offered and what would do. */
  private async codecProblem(offer: string, wrtc: Wrtc): Promise<string> {
    // What libwebrtc here can receive: the codecs of its own receive-only offer (asked once).
    this.decodable ??= (async () => {
      const probe = new wrtc.RTCPeerConnection();
      try {
        probe.addTransceiver('video', { direction: 'recvonly' });
        return videoCodecs((await probe.createOffer()).sdp ?? '');
      } finally {
        probe.close();
      }
    })();
    const here = (await this.decodable).join(', ');
    const offered = videoCodecs(offer).join(', ') || 'none';
    return (
      `none of the offered video codecs (${offered}) can be decoded here (${here}); ` +
      'in OBS choose an AV1 encoder in Settings → Output; browsers offer these by default'
    );
  }

  private adopt(pc: RTCPeerConnection, source: WhipSource, client: string): Live {
    const s: Live = {
      id: randomUUID(),
      pc,
      source,
      client,
      connected: false,
      sink: undefined,
      audioSink: undefined,
      cancelTimer: undefined,
      done: false,
      close: () => this.finish(s, 'replaced by a new publisher', false),
    };
    this.sessions.set(s.id, s);
    const { timers, connectTimeoutMs } = this.o;
    s.cancelTimer = timers.after(connectTimeoutMs, () => this.finish(s, 'the publisher never connected'));
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      s.cancelTimer?.();
      s.cancelTimer = undefined;
      if (state === 'connected' && !s.connected) {
        s.connected = true;
        // Connected: now it takes the slot over from the publisher before it.
        source.attach(s, client);
        this.o.log(`WHIP publisher ${client} is live on ${source.path}.`);
      } else if (state === 'failed' || state === 'closed') this.finish(s, `the WebRTC connection ${state}`);
      else if (state === 'disconnected') {
        s.cancelTimer = timers.after(DISCONNECTED_GRACE_MS, () => this.finish(s, 'the publisher disconnected'));
      }
    };
    return s;
  }

  /** Closes the peer connection once; the source is told (unless it is the one replacing the session). */
  private finish(s: Live, reason: string, tell = true): void {
    if (s.done) return;
    s.done = true;
    this.sessions.delete(s.id);
    s.cancelTimer?.();
    s.sink?.stop();
    s.audioSink?.stop();
    s.pc.onconnectionstatechange = null;
    s.pc.close();
    // A session that never took the slot over leaves the slot's publisher alone.
    if (tell && s.connected) s.source.ended(s, reason);
    else if (tell) this.o.log(`WHIP session ${s.id.slice(0, 8)} on ${s.source.path} closed: ${reason}.`);
  }
}
