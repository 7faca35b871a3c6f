/**
 * Ableton Link as a tempo source: an optional dependency (`abletonlink`), loaded lazily in a helper process (see
 * link-peer.mjs for why). Peers' tempo and phase move the tempo clock; a tempo set here (tap, OSC, the panel)
 * goes out to the peers. Without the package it says why once, and the server runs on its own clock.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import type { TempoClock } from '../../src/perform';
import type { TempoState } from '../../src/shared/perform';

export interface LinkOptions {
  /** Beats per phase cycle shared with peers: the bar. */
  quantum: number;
  /** How often the helper reports (ms). */
  intervalMs: number;
  log: (message: string) => void;
  /** Told whenever availability, peers or the enabled state change. */
  changed: (link: TempoState['link']) => void;
}

const defaults: LinkOptions = { quantum: 4, intervalMs: 10, log: () => {}, changed: () => {} };

/** Whether the optional package is installed (resolvable); a reason when not. */
export function linkAvailability(): { available: true } | { available: false; reason: string } {
  try {
    createRequire(import.meta.url).resolve('abletonlink');
    return { available: true };
  } catch {
    return {
      available: false,
      reason: 'abletonlink is not installed (an optional dependency built with node-gyp: npm install abletonlink)',
    };
  }
}

/** Offset from this process's performance.now() to the monotonic clock Link reports in, in ms. */
const monotonicOffset = () => Number(process.hrtime.bigint()) / 1e6 - performance.now();

export class LinkTempoSource {
  private readonly o: LinkOptions;
  private child: ChildProcess | undefined;
  private offset = monotonicOffset();
  private unsubscribe: (() => void) | undefined;
  private state: TempoState['link'];
  /** Beat error of the last sample against the clock before it was aligned (for the bench). */
  lastError = 0;

  constructor(
    private readonly clock: TempoClock,
    options: Partial<LinkOptions> = {},
  ) {
    this.o = { ...defaults, ...options } satisfies LinkOptions;
    const a = linkAvailability();
    this.state = a.available
      ? { available: true, enabled: false, peers: 0 }
      : { available: false, enabled: false, peers: 0, reason: a.reason };
  }

  status(): TempoState['link'] {
    return { ...this.state };
  }

  /** Joins the Link session; resolves once the helper reports (or says why it cannot). */
  async enable(): Promise<TempoState['link']> {
    if (this.child) return this.status();
    if (!this.state.available) return this.status();
    const child = fork(fileURLToPath(new URL('./link-peer.mjs', import.meta.url)), [], {
      env: {
        ...process.env,
        LINK_BPM: String(this.clock.bpm),
        LINK_QUANTUM: String(this.o.quantum),
        LINK_INTERVAL_MS: String(this.o.intervalMs),
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    this.offset = monotonicOffset();
    const first = new Promise<void>((resolve) => {
      child.on('message', (m: LinkMessage) => {
        this.message(m);
        resolve();
      });
      child.on('exit', () => {
        if (this.child === child) this.ended('the Link helper ended');
        resolve();
      });
    });
    this.unsubscribe = this.clock.onChange((kind) => {
      // A tempo set here goes to the peers; one that came from Link is theirs already.
      if (kind === 'bpm' && this.clock.source !== 'link') child.send?.({ type: 'bpm', bpm: this.clock.bpm });
    });
    this.set({ enabled: true });
    this.o.log('Ableton Link on.');
    await first;
    return this.status();
  }

  /** Leaves the session; the clock keeps its tempo and phase. */
  async disable(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.unsubscribe?.();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
    this.set({ enabled: false, peers: 0 });
    this.o.log('Ableton Link off.');
  }

  private message(m: LinkMessage): void {
    if (m.type === 'unavailable') {
      this.state = { available: false, enabled: false, peers: 0, reason: m.reason };
      this.o.log(`Ableton Link is unavailable: ${m.reason}.`);
      this.o.changed(this.status());
      return;
    }
    const t = m.micros / 1000 - this.offset;
    this.lastError = m.beat - this.clock.beatAt(t);
    // Alone in the session Link follows us; with peers, the session's tempo and phase lead.
    if (m.peers > 0 || this.clock.source === 'link') this.clock.align(t, m.beat, m.bpm, 'link');
    if (m.peers !== this.state.peers) this.set({ peers: m.peers });
  }

  private ended(reason: string): void {
    this.child = undefined;
    this.unsubscribe?.();
    this.set({ enabled: false, peers: 0, reason });
  }

  private set(patch: Partial<TempoState['link']>): void {
    this.state = { ...this.state, ...patch };
    this.o.changed(this.status());
  }
}

type LinkMessage =
  { type: 'state'; micros: number; beat: number; bpm: number; peers: number } | { type: 'unavailable'; reason: string };
