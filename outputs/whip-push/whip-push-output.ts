import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { iceGathered, requireWrtc, wrtcAvailability } from '../../src/media/wrtc';
import { filterCandidates, withVideoBandwidth } from '../../src/media/sdp';
import { every, realTimers } from '../../src/kernel/timers';
import { publish, unpublish, WhipError } from './whip-session';
import type { Wrtc } from '../../src/media/wrtc';
import type { WhipSession } from './whip-session';
import type { Timers } from '../../src/kernel/timers';
import { PacedVideo } from '../paced-video';
import type { Availability, Output, OutputContext, OutputFrame, OutputLink, OutputStatus } from '../output';

const httpUrl = z
  .string()
  .max(2048)
  .refine((u) => u === '' || /^https?:\/\/[^/]/i.test(u), 'expected an http:// or https:// URL of a WHIP endpoint')
  // A password in the URL would be in the log line of every publish and in fetch's own error text (which repeats
  // the URL); endpoints take a bearer token instead.
  .refine(
    (u) => !/^https?:\/\/[^/?#]*@/i.test(u),
    'the WHIP endpoint URL carries a user or password, which are never sent: give the token with --whip-token or options.token',
  );

export const whipPushOptionsSchema = z.strictObject({
  /** The WHIP endpoint (janus + simple-whip-server, LiveKit ingress, Cloudflare Stream, …); empty: not set. */
  url: httpUrl,
  /** Bearer token the endpoint asks for; never listed back. */
  token: z.string().max(4096).optional(),
  maxFps: z.number().min(1).max(120),
  /** Ceiling of the video bitrate (the answer's b=AS is set to it). */
  maxBitrateKbps: z.number().int().min(100).max(100_000),
  /** STUN/TURN URLs for reaching an SFU behind NAT. */
  iceServers: z.array(z.string().regex(/^(stun|stuns|turn|turns):/, 'expected a stun: or turn: URL')).max(8),
  /** Offer only ICE candidates on these addresses (pin an interface; loopback in tests); empty offers all. */
  hostCandidates: z.array(z.string().min(1)).max(16),
});
export type WhipPushOptions = z.infer<typeof whipPushOptionsSchema>;

export const whipPushDefaults: WhipPushOptions = {
  url: '',
  maxFps: 60,
  maxBitrateKbps: 6000,
  iceServers: [],
  hostCandidates: [],
};

/** Waits between reconnections, growing with each failure in a row; the last one repeats. */
export const RECONNECT_BACKOFF_MS = [1000, 2000, 4000, 8000, 15_000, 30_000];
/** A link that stays disconnected this long is given up and made anew. */
const DISCONNECTED_GRACE_MS = 3000;
/** A link not connected this long after the answer is given up. */
const CONNECT_TIMEOUT_MS = 10_000;
const GATHER_TIMEOUT_MS = 3000;
/**
 * A connected link that hears nothing back (no RTCP receiver reports, no STUN answers) this long is dead: an SFU
 * that crashed stops answering long before ICE calls the link failed (15 s and more in libwebrtc).
 */
const SILENCE_MS = 5000;

export interface WhipPushSeams {
  /** Backoff, grace and bitrate timers; tests pass ManualTimers. */
  timers: Timers;
}

interface Attempt {
  pc: RTCPeerConnection;
  session: WhipSession | undefined;
  cancelTimer: (() => void) | undefined;
  /** outbound-rtp bytes at the last bitrate sample. */
  bytes: { at: number; sent: number } | undefined;
  /** Bytes received from the endpoint (RTCP, STUN) and when they last grew: the SFU is alive while they do. */
  heard: { at: number; bytes: number } | undefined;
}

/**
 * Pushes the output to a WHIP endpoint (an SFU's ingest): one send-only peer connection with one video track;
 * frames are converted to I420 once and handed to the track. When the link drops (ICE fails, the SFU restarts,
 * the endpoint refuses) the session is DELETEd and a new one is offered after a growing backoff.
 */
export class WhipPushOutput implements Output<WhipPushOptions> {
  readonly kind = 'whip';
  readonly name = 'WHIP push';
  readonly optionsSchema = whipPushOptionsSchema.partial();
  private o: WhipPushOptions;
  private readonly seams: WhipPushSeams;
  private wrtc: Wrtc | undefined;
  private source: InstanceType<Wrtc['nonstandard']['RTCVideoSource']> | undefined;
  private track: MediaStreamTrack | undefined;
  private ctx: OutputContext | undefined;
  private attempt: Attempt | undefined;
  /** Bumped at every stop and restart: work of an older run finds it changed and gives up. */
  private run = 0;
  private failures = 0;
  private retryTimer: (() => void) | undefined;
  private statsTimer: (() => void) | undefined;
  private link: OutputLink = { state: 'idle', bitrateKbps: 0, reconnects: 0 };
  /** Frames handed to the track, and their rate. */
  private readonly video = new PacedVideo();
  /** Sessions published and DELETEd, for the log and tests. */
  readonly history: { published: number; deleted: number } = { published: 0, deleted: 0 };

  constructor(
    readonly id = 'whip-push',
    options: Partial<WhipPushOptions> = {},
    seams: Partial<WhipPushSeams> = {},
  ) {
    this.o = { ...whipPushDefaults, ...options } satisfies WhipPushOptions;
    this.seams = { timers: realTimers, ...seams } satisfies WhipPushSeams;
  }

  availability(): Availability {
    return wrtcAvailability();
  }

  async start(ctx: OutputContext): Promise<void> {
    if (!this.o.url) throw new Error('no WHIP endpoint set: give --whip-push <url> or options.url');
    const wrtc = requireWrtc();
    this.wrtc = wrtc;
    this.ctx = ctx;
    this.source = new wrtc.nonstandard.RTCVideoSource();
    this.track = this.source.createTrack();
    this.failures = 0;
    this.link = { state: 'connecting', bitrateKbps: 0, reconnects: 0 };
    this.statsTimer = every(this.seams.timers, 1000, () => void this.sampleLink());
    void this.connect(++this.run);
  }

  /** DELETEs the session (so the SFU frees it at once) and closes the link. */
  async stop(): Promise<void> {
    this.run++;
    this.retryTimer?.();
    this.statsTimer?.();
    this.retryTimer = this.statsTimer = undefined;
    await this.teardown();
    this.track?.stop();
    this.track = undefined;
    this.source = undefined;
    this.ctx = undefined;
    this.link = { state: 'idle', bitrateKbps: 0, reconnects: this.link.reconnects };
  }

  accept(frame: OutputFrame): void {
    if (!this.source || this.link.state !== 'connected') return;
    this.video.send(this.source, frame, this.o.maxFps);
  }

  /** Frames handed to the track (tests and bench). */
  get framesSent(): number {
    return this.video.sent;
  }

  status(): OutputStatus {
    const status: OutputStatus = {
      clients: this.link.state === 'connected' ? 1 : 0,
      fps: this.video.fps(),
      urls: this.o.url ? [this.o.url] : [],
      link: { ...this.link },
    };
    if (this.link.state === 'reconnecting' && this.link.problem) status.error = this.link.problem;
    return status;
  }

  /** The options, without the token. */
  options(): WhipPushOptions {
    const { token: _token, ...rest } = this.o;
    return rest;
  }

  /**
   * A new endpoint, token, ICE setting or bit-rate ceiling makes a new session (the ceiling is the answer's b=AS,
   * set once per session: @roamhq/wrtc has no sender encodings to change); a new frame rate applies at once.
   */
  async setOptions(patch: Partial<WhipPushOptions>): Promise<void> {
    const before = this.o;
    this.o = { ...this.o, ...patch };
    const relink = (['url', 'token', 'iceServers', 'hostCandidates', 'maxBitrateKbps'] as const).some(
      (k) => k in patch && JSON.stringify(before[k]) !== JSON.stringify(this.o[k]),
    );
    if (!relink || !this.source) return;
    const run = ++this.run;
    this.retryTimer?.();
    await this.teardown();
    if (run !== this.run) return;
    if (!this.o.url) {
      this.setLink({ state: 'idle', bitrateKbps: 0, problem: 'no WHIP endpoint set' });
      return;
    }
    this.failures = 0;
    void this.connect(run);
  }

  /** One try: offer, POST, answer; on failure, the next try after the backoff. */
  private async connect(run: number): Promise<void> {
    const wrtc = this.wrtc;
    const track = this.track;
    if (!wrtc || !track || run !== this.run) return;
    this.setLink({ state: this.link.reconnects > 0 || this.failures > 0 ? 'reconnecting' : 'connecting' });
    const pc = new wrtc.RTCPeerConnection({ iceServers: this.o.iceServers.map((urls) => ({ urls })) });
    const attempt: Attempt = { pc, session: undefined, cancelTimer: undefined, bytes: undefined, heard: undefined };
    this.attempt = attempt;
    try {
      pc.addTransceiver(track, { direction: 'sendonly' });
      await pc.setLocalDescription(await pc.createOffer());
      await iceGathered(pc, GATHER_TIMEOUT_MS);
      let offer = pc.localDescription?.sdp ?? '';
      const hosts = this.o.hostCandidates;
      if (hosts.length > 0) offer = filterCandidates(offer, (a) => hosts.includes(a));
      const session = await publish(this.o.url, offer, this.o.token);
      attempt.session = session;
      this.history.published++;
      if (run !== this.run) return void (await this.teardown(attempt));
      await pc.setRemoteDescription({ type: 'answer', sdp: withVideoBandwidth(session.answer, this.o.maxBitrateKbps) });
      this.watch(attempt, run);
    } catch (err) {
      if (run !== this.run) return;
      if (err instanceof WhipError && !err.retry) this.failures = RECONNECT_BACKOFF_MS.length - 1;
      const message =
        err instanceof WhipError ? err.message : `the link could not be set up: ${(err as Error).message}`;
      await this.retry(run, message, attempt);
    }
  }

  private watch(attempt: Attempt, run: number): void {
    const { pc } = attempt;
    const giveUp = (why: string) => void this.retry(run, why, attempt);
    attempt.cancelTimer = this.seams.timers.after(CONNECT_TIMEOUT_MS, () =>
      giveUp(`no media link within ${CONNECT_TIMEOUT_MS / 1000} s (ICE could not connect)`),
    );
    pc.onconnectionstatechange = () => {
      if (run !== this.run || this.attempt !== attempt) return;
      const state = pc.connectionState;
      if (state === 'connected') {
        if (this.link.state === 'connected') return;
        attempt.cancelTimer?.();
        attempt.cancelTimer = undefined;
        this.failures = 0;
        this.setLink({ state: 'connected', problem: undefined });
        this.ctx?.log(`WHIP push: publishing to ${this.o.url}`);
      } else if (state === 'failed' || state === 'closed') {
        giveUp(`the media link ${state}`);
      } else if (state === 'disconnected') {
        attempt.cancelTimer?.();
        attempt.cancelTimer = this.seams.timers.after(DISCONNECTED_GRACE_MS, () =>
          giveUp(`the media link was lost for ${DISCONNECTED_GRACE_MS / 1000} s`),
        );
      }
    };
  }

  /** Ends this attempt (DELETE included) and schedules the next one after the backoff. */
  private async retry(run: number, problem: string, attempt: Attempt): Promise<void> {
    if (run !== this.run || this.attempt !== attempt) return;
    const wait = RECONNECT_BACKOFF_MS[Math.min(this.failures, RECONNECT_BACKOFF_MS.length - 1)]!;
    this.failures++;
    const wasUp = this.link.state === 'connected';
    this.setLink({ state: 'reconnecting', bitrateKbps: 0, problem, reconnects: this.link.reconnects + 1 });
    if (wasUp || this.failures === 1 || this.failures % 10 === 0) {
      this.ctx?.log(`WHIP push: ${problem}; trying again in ${wait / 1000} s`);
    }
    await this.teardown(attempt);
    if (run !== this.run) return;
    this.retryTimer = this.seams.timers.after(wait, () => {
      this.retryTimer = undefined;
      void this.connect(run);
    });
  }

  private async teardown(attempt = this.attempt): Promise<void> {
    if (!attempt) return;
    if (this.attempt === attempt) this.attempt = undefined;
    attempt.cancelTimer?.();
    attempt.pc.onconnectionstatechange = null;
    const session = attempt.session;
    attempt.session = undefined;
    // DELETE before closing: an SFU that sees the peer vanish first may drop the session itself and answer 404.
    if (session) {
      const result = await unpublish(session, this.o.token);
      if (result.ok) this.history.deleted++;
      else this.ctx?.log(`WHIP push: DELETE ${session.resource.href} ${result.problem ?? `answered ${result.status}`}`);
    }
    attempt.pc.close();
  }

  /** Every second while connected: the bitrate sent, and whether the endpoint still answers. */
  private async sampleLink(): Promise<void> {
    const attempt = this.attempt;
    if (!attempt || this.link.state !== 'connected') return;
    let sent = 0;
    let received = 0;
    try {
      const report = await attempt.pc.getStats();
      report.forEach((s: { type: string; kind?: string; bytesSent?: number; bytesReceived?: number }) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') sent += s.bytesSent ?? 0;
        if (s.type === 'transport') received += s.bytesReceived ?? 0;
      });
    } catch {
      return;
    }
    if (this.attempt !== attempt) return;
    // Silence is a timeout, on the timers (tests move it); the bitrate below is a measurement, on a real clock.
    const now = this.seams.timers.now();
    if (!attempt.heard || received > attempt.heard.bytes) attempt.heard = { at: now, bytes: received };
    else if (now - attempt.heard.at >= SILENCE_MS) {
      return void this.retry(this.run, `nothing heard from the endpoint for ${SILENCE_MS / 1000} s`, attempt);
    }
    // Bytes libwebrtc really sent over the real time between two samples: a monotonic clock, not the timers'
    // (realTimers' Date.now() can step with NTP; ManualTimers' time says nothing about how long the bytes took).
    const at = performance.now();
    const prev = attempt.bytes;
    attempt.bytes = { at, sent };
    if (!prev || at <= prev.at) return;
    const kbps = ((sent - prev.sent) * 8) / (at - prev.at);
    this.link = { ...this.link, bitrateKbps: Math.max(0, Math.round(kbps)) };
  }

  private setLink(patch: Partial<OutputLink>): void {
    const next = { ...this.link, ...patch };
    if (patch.problem === undefined && 'problem' in patch) delete next.problem;
    const changed = next.state !== this.link.state;
    this.link = next;
    if (changed) this.ctx?.changed();
  }
}
