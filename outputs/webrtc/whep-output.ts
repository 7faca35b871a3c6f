import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { iceGathered, requireWrtc, wrtcAvailability } from '../../src/media/wrtc';
import { realTimers } from '../../src/kernel/timers';
import { filterCandidates, offerProblem, withVideoBandwidth } from '../../src/media/sdp';
import { admitOffer, offerQuotaDefaults } from '../../src/media/offer-quota';
import type { Wrtc } from '../../src/media/wrtc';
import type { Timers } from '../../src/kernel/timers';
import { PacedVideo } from '../paced-video';
import type { Availability, Output, OutputContext, OutputFrame, OutputStatus } from '../output';

export const whepOptionsSchema = z.strictObject({
  /** Frames per second sent at most (the loop may run faster). */
  maxFps: z.number().min(1).max(120),
  /** Ceiling of each viewer's video bitrate; LAN default, raise it for big frames. */
  maxBitrateKbps: z.number().int().min(100).max(100_000),
  /** Viewers at once; each costs one encoder. */
  maxSessions: z.number().int().min(1).max(64),
  /** STUN/TURN URLs (`stun:host:port`); none is right on a LAN or loopback. */
  iceServers: z.array(z.string().regex(/^(stun|stuns|turn|turns):/, 'expected a stun: or turn: URL')).max(8),
  /** Offer only ICE candidates on these addresses (pin a network interface); empty offers all. */
  hostCandidates: z.array(z.string().min(1)).max(16),
});
export type WhepOptions = z.infer<typeof whepOptionsSchema>;

export const whepDefaults: WhepOptions = {
  maxFps: 60,
  maxBitrateKbps: 8000,
  maxSessions: 16,
  iceServers: [],
  hostCandidates: [],
};

/** How long ICE gathering may take before the answer goes out with what was found (non-trickle WHEP). */
const GATHER_TIMEOUT_MS = 3000;
/** A viewer that stays disconnected this long is closed. */
const DISCONNECTED_GRACE_MS = 5000;

/** Limits that protect real viewers from offers that never connect; not user options. */
export interface WhepLimits {
  /** A session that has not connected by then is closed, so its place goes to a real viewer. */
  connectTimeoutMs: number;
  /** Sessions not yet connected that another machine may hold at once (429 past it). */
  pendingPerClient: number;
  /** Sessions not yet connected that this machine may hold; a further offer evicts the oldest (see offer-quota). */
  pendingLoopback: number;
  /** Timeouts run on these; tests pass ManualTimers. */
  timers: Timers;
}

const limitDefaults: WhepLimits = {
  connectTimeoutMs: 10_000,
  pendingPerClient: offerQuotaDefaults.remote,
  pendingLoopback: offerQuotaDefaults.loopback,
  timers: realTimers,
};

export class WhepError extends Error {
  constructor(
    readonly status: 400 | 404 | 429 | 503,
    message: string,
  ) {
    super(message);
  }
}

interface Session {
  id: string;
  pc: RTCPeerConnection;
  connected: boolean;
  /** The peer address that made the offer, for the per-client cap on pending sessions. */
  client: string;
  cancelTimer: (() => void) | undefined;
}

/**
 * WebRTC out through WHEP: every viewer's peer connection sends the one shared video track, so a frame is
 * converted to I420 once and handed to the shared source once whatever the number of viewers (each viewer
 * still has its own encoder; libwebrtc encodes per connection).
 */
export class WhepOutput implements Output<WhepOptions> {
  readonly kind = 'webrtc';
  readonly name = 'WebRTC (WHEP)';
  readonly optionsSchema = whepOptionsSchema.partial();
  private o: WhepOptions;
  private readonly sessions = new Map<string, Session>();
  private wrtc: Wrtc | undefined;
  private source: InstanceType<Wrtc['nonstandard']['RTCVideoSource']> | undefined;
  private track: MediaStreamTrack | undefined;
  private ctx: OutputContext | undefined;
  /** Frames handed to the video source, and their rate (0 while nobody watches: nothing is sent). */
  private readonly video = new PacedVideo();
  private readonly limits: WhepLimits;

  constructor(
    readonly id = 'webrtc',
    options: Partial<WhepOptions> = {},
    /** Prefix of the URLs listed in status (e.g. `http://127.0.0.1:8000`); relative paths when empty. */
    private readonly baseUrl = '',
    limits: Partial<WhepLimits> = {},
  ) {
    this.o = { ...whepDefaults, ...options } satisfies WhepOptions;
    this.limits = { ...limitDefaults, ...limits } satisfies WhepLimits;
  }

  availability(): Availability {
    return wrtcAvailability();
  }

  async start(ctx: OutputContext): Promise<void> {
    const wrtc = requireWrtc();
    this.wrtc = wrtc;
    this.ctx = ctx;
    this.source = new wrtc.nonstandard.RTCVideoSource();
    this.track = this.source.createTrack();
  }

  async stop(): Promise<void> {
    for (const id of [...this.sessions.keys()]) this.close(id);
    this.track?.stop();
    this.track = undefined;
    // The source is dropped, not destroyed: @roamhq/wrtc has no destroy and frees it with the track.
    this.source = undefined;
    this.ctx = undefined;
  }

  get running(): boolean {
    return this.source !== undefined;
  }

  accept(frame: OutputFrame): void {
    if (!this.source || this.sessions.size === 0) return;
    this.video.send(this.source, frame, this.o.maxFps);
  }

  /** Frames handed to the video source (tests and bench check the sharing). */
  get framesSent(): number {
    return this.video.sent;
  }

  status(): OutputStatus {
    return {
      clients: this.sessions.size,
      fps: this.video.fps(),
      urls: [`${this.baseUrl}/whep`, `${this.baseUrl}/output`],
    };
  }

  options(): WhepOptions {
    return { ...this.o };
  }

  /** New limits apply to the next viewers; the running ones keep what they negotiated. */
  setOptions(patch: Partial<WhepOptions>): void {
    this.o = { ...this.o, ...patch };
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Answers a WHEP offer: the session id and the complete SDP answer (ICE candidates included). */
  async answer(offer: string, client = 'unknown'): Promise<{ id: string; sdp: string }> {
    const wrtc = this.wrtc;
    const track = this.track;
    if (!wrtc || !track) throw new WhepError(503, 'the WebRTC output is off; enable it in /api/v1/outputs');
    const problem = offerProblem(offer);
    if (problem) throw new WhepError(400, problem);
    const verdict = admitOffer(this.sessions.values(), client, {
      remote: this.limits.pendingPerClient,
      loopback: this.limits.pendingLoopback,
      total: this.o.maxSessions,
    });
    if (!verdict.ok) {
      throw new WhepError(
        verdict.status,
        verdict.reason === 'sessions_full'
          ? `already ${this.sessions.size} viewers, the most this output takes (maxSessions), all of them connected`
          : verdict.message,
      );
    }
    for (const s of verdict.evict) {
      this.ctx?.log(`WHEP session ${s.id.slice(0, 8)} had not connected; closed to make room for a new offer.`);
      this.close(s.id);
    }
    const pc = new wrtc.RTCPeerConnection({ iceServers: this.o.iceServers.map((urls) => ({ urls })) });
    const session: Session = { id: randomUUID(), pc, connected: false, client, cancelTimer: undefined };
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: withVideoBandwidth(offer, this.o.maxBitrateKbps) });
      const transceivers = pc.getTransceivers();
      const video = transceivers.find((t) => t.receiver.track.kind === 'video');
      if (!video) throw new WhepError(400, 'the SDP offer has no video m-line');
      // Send-only video on the shared track; anything else offered (audio, a second video) stays silent.
      for (const t of transceivers) if (t !== video) t.direction = 'inactive';
      video.direction = 'sendonly';
      await video.sender.replaceTrack(track);
      await pc.setLocalDescription(await pc.createAnswer());
      await iceGathered(pc, GATHER_TIMEOUT_MS);
      let sdp = pc.localDescription?.sdp ?? '';
      const hosts = this.o.hostCandidates;
      if (hosts.length > 0) sdp = filterCandidates(sdp, (a) => hosts.includes(a));
      if (this.track !== track) throw new WhepError(503, 'the WebRTC output was turned off meanwhile');
      this.adopt(session);
      return { id: session.id, sdp };
    } catch (err) {
      pc.close();
      if (err instanceof WhepError) throw err;
      // libwebrtc rejects what it cannot parse; to the player that is a bad offer, not a server fault.
      throw new WhepError(400, `the SDP offer was refused: ${(err as Error).message}`);
    }
  }

  /** Ends a session; false when there is none with this id. */
  close(id: string): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    this.sessions.delete(id);
    s.cancelTimer?.();
    s.pc.onconnectionstatechange = null;
    s.pc.close();
    this.ctx?.changed();
    return true;
  }

  /** Closes a session that never connected: its place goes back to real viewers. */
  private expire(id: string): void {
    const s = this.sessions.get(id);
    if (!s || s.connected) return;
    this.ctx?.log(`WHEP session ${id.slice(0, 8)} never connected; closed after ${this.limits.connectTimeoutMs} ms.`);
    this.close(id);
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  private adopt(s: Session): void {
    this.sessions.set(s.id, s);
    s.cancelTimer = this.limits.timers.after(this.limits.connectTimeoutMs, () => this.expire(s.id));
    s.pc.onconnectionstatechange = () => {
      const state = s.pc.connectionState;
      s.cancelTimer?.();
      s.cancelTimer = undefined;
      if (state === 'connected') s.connected = true;
      else if (state === 'failed' || state === 'closed') this.close(s.id);
      else if (state === 'disconnected') {
        s.cancelTimer = this.limits.timers.after(DISCONNECTED_GRACE_MS, () => this.close(s.id));
      }
    };
    this.ctx?.log(`WHEP viewer ${s.id.slice(0, 8)} joined (${this.sessions.size} now).`);
    this.ctx?.changed();
  }
}
