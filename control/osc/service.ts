import { createSocket } from 'node:dgram';
import { listenOn, listenOrSwitchOff } from '../../src/kernel/listen';
import { realTimers } from '../../src/kernel/timers';
import { isIPv6 } from 'node:net';
import { decodePacket, encodeMessage, peekBundleTime } from './codec';
import { BundleScheduler } from './bundle-scheduler';
import { parseAllowlist } from './allowlist';
import { OscFeedback, formatTarget, parseFeedbackTarget } from './feedback';
import { RateLimitedLog } from './rate-limited-log';
import { routeMessage, routerDeps } from './router';
import type { Socket } from 'node:dgram';
import type { OscMessage } from './codec';
import type { FeedbackTarget } from './feedback';
import type { OscErrorKind, OscRouterDeps } from './router';
import type { Engine } from '../../src/engine/engine';
import type { PipelineHost } from '../../src/engine/host';
import type { PipelineRegistry } from '../../src/engine/registry';
import type { CommandRegistry } from '../../src/kernel/commands';
import type { ParamStore } from '../../src/params/store';
import type { RefusalCounter } from '../../src/kernel/refusals';
import type { SenderAllowlist } from './allowlist';
import type { Timers } from '../../src/kernel/timers';

export interface OscOptions {
  host: string;
  /** UDP port; 0 picks a free one. */
  port: number;
  /** `host:port` targets that receive feedback. */
  feedback: string[];
  /** Most /scope/fps + /scope/frame updates per second to feedback targets; 0 = none. */
  statsHz: number;
  /** A bundle timetagged further ahead than this is dropped; 0 applies every bundle on arrival. */
  maxAheadMs: number;
  /** In LAN mode only senders in `allow` (and this machine) are heard. */
  lan: boolean;
  /** Addresses and CIDR ranges (`--osc-allow`) trusted in LAN mode. */
  allow: string[];
  /** At most one log line per error kind in this interval. */
  logIntervalMs: number;
  /** Wall time (OSC timetags are wall-clock times): bundles wait, stats go out and logs are limited on it. */
  timers: Timers;
}

export const oscDefaults: OscOptions = {
  host: '127.0.0.1',
  port: 8000,
  feedback: [],
  statsHz: 4,
  maxAheadMs: 10_000,
  lan: false,
  allow: [],
  logIntervalMs: 5000,
  timers: realTimers,
};

/** The part of the app the OSC service sees (ScopeServices fits it). */
export interface OscDeps {
  params: ParamStore;
  host: Pick<PipelineHost, 'activeId' | 'load'>;
  registry: Pick<PipelineRegistry, 'get'>;
  engine: Pick<Engine, 'getStats' | 'latest'>;
  log: (message: string) => void;
  /** Commands reachable as `/scope/<name>` (presets, outputs, pause). */
  commands?: Pick<CommandRegistry, 'get'>;
  /** Where refused senders and dropped bundles are counted. */
  refusals?: RefusalCounter;
}

export interface OscStatus {
  enabled: boolean;
  /** Why OSC is off, when it is. */
  disabledReason: string | null;
  host: string;
  port: number;
  /** Messages received (each message of a bundle counts). */
  received: number;
  applied: number;
  errors: Partial<Record<OscErrorKind, number>>;
  feedbackTargets: string[];
}

/**
 * OSC over UDP: owns the socket, decodes, schedules bundles, routes messages into the ParamStore, answers
 * queries and sends feedback. A port in use switches it off with a sentence; the server goes on.
 */
export class OscService {
  private readonly o: OscOptions;
  private socket: Socket | undefined;
  private boundPort = 0;
  private disabledReason: string | null = 'not started';
  private received = 0;
  private applied = 0;
  private errors: Partial<Record<OscErrorKind, number>> = {};
  private readonly targets: FeedbackTarget[] = [];
  private readonly limited: RateLimitedLog<OscErrorKind>;
  private readonly scheduler: BundleScheduler;
  private readonly feedback: OscFeedback;
  private readonly router: OscRouterDeps;
  private readonly allowlist: SenderAllowlist;

  constructor(
    private readonly deps: OscDeps,
    options: Partial<OscOptions> = {},
  ) {
    this.o = { ...oscDefaults, ...options } satisfies OscOptions;
    for (const text of this.o.feedback) {
      const target = parseFeedbackTarget(text);
      if (typeof target === 'string') deps.log(`${target}; ignored.`);
      else this.targets.push(target);
    }
    this.limited = new RateLimitedLog(deps.log, this.o.logIntervalMs, () => this.o.timers.now());
    this.allowlist = parseAllowlist(this.o.allow);
    this.scheduler = new BundleScheduler({
      maxAheadMs: this.o.maxAheadMs,
      timers: this.o.timers,
      onDrop: (why) => {
        deps.refusals?.count(why);
        this.error('dropped', `OSC: a bundle was dropped (${why.replace(/_/g, ' ')})`);
      },
    });
    this.feedback = new OscFeedback(
      this.targets,
      { ...deps, send: (m, t) => this.send(m, t), timers: this.o.timers },
      this.o.statsHz,
    );
    this.router = routerDeps(deps, 'osc', 'OSC');
  }

  /** Binds the UDP socket; resolves either way: when the port cannot be had, OSC is off and says why. */
  async start(): Promise<void> {
    if (this.socket) return;
    const socket = createSocket({ type: isIPv6(this.o.host) ? 'udp6' : 'udp4' });
    const failed = await listenOrSwitchOff(
      { what: 'OSC', host: this.o.host, port: this.o.port, flag: '--osc-port' },
      () => listenOn(socket, () => socket.bind(this.o.port, this.o.host)),
      this.deps.log,
    );
    if (failed) {
      socket.close();
      this.disabledReason = failed;
      return;
    }
    socket.on('error', (err) => this.limited.report('feedback', `OSC socket error: ${err.message}`));
    socket.on('message', (data, rinfo) => this.receive(data, { host: rinfo.address, port: rinfo.port }));
    this.socket = socket;
    this.boundPort = socket.address().port;
    this.disabledReason = null;
    this.feedback.start();
  }

  /** Closes the socket and drops bundles still waiting for their time. */
  async stop(): Promise<void> {
    this.feedback.stop();
    this.scheduler.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (!this.disabledReason) this.disabledReason = 'stopped';
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** The UDP port bound, 0 while off. */
  get port(): number {
    return this.socket ? this.boundPort : 0;
  }

  status(): OscStatus {
    return {
      enabled: this.socket !== undefined,
      disabledReason: this.disabledReason,
      host: this.o.host,
      port: this.port,
      received: this.received,
      applied: this.applied,
      errors: { ...this.errors },
      feedbackTargets: this.targets.map(formatTarget),
    };
  }

  private receive(data: Buffer, sender: FeedbackTarget): void {
    if (this.o.lan && !this.allowlist.allows(sender.host)) {
      this.deps.refusals?.count('osc_sender_not_allowed');
      return this.error('refused', `OSC: ignored a packet from ${sender.host}, not in --osc-allow (LAN mode)`);
    }
    // A bundle the scheduler would not hold is refused before it costs a decode (floods of big future bundles).
    const time = peekBundleTime(data);
    if (time !== undefined && !this.scheduler.admits(time, data.length)) return;
    const decoded = decodePacket(data);
    if (!decoded.ok) {
      this.received++;
      return this.error('malformed', `OSC: malformed packet from ${formatTarget(sender)}: ${decoded.reason}`);
    }
    this.scheduler.run(decoded.packet, (message) => this.handle(message, sender), data.length);
  }

  private handle(message: OscMessage, sender: FeedbackTarget): void {
    this.received++;
    const outcome = routeMessage(this.router, message);
    switch (outcome.kind) {
      case 'applied':
      case 'loading':
      case 'command':
        this.applied++;
        return;
      case 'reply':
        return this.send(outcome.message, sender);
      case 'error':
        return this.error(outcome.error, `OSC: ${outcome.detail}`);
    }
  }

  private error(kind: OscErrorKind, message: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    this.limited.report(kind, message);
  }

  private send(message: OscMessage, to: FeedbackTarget): void {
    const socket = this.socket;
    if (!socket) return;
    const onError = (err: Error | null) => {
      if (err) this.error('feedback', `OSC: could not send to ${formatTarget(to)}: ${err.message}`);
    };
    try {
      socket.send(encodeMessage(message), to.port, to.host, onError);
    } catch (err) {
      onError(err as Error);
    }
  }
}
