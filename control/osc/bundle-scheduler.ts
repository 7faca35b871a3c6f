import { isBundle } from './codec';
import { decodedSize } from './decoded-size';
import { realTimers } from '../../src/kernel/timers';
import type { OscMessage, OscPacket } from './codec';
import type { Timers } from '../../src/kernel/timers';

export type DropReason = 'osc_bundle_too_far_ahead' | 'osc_bundles_pending_full';

export interface BundleSchedulerOptions {
  /** How far ahead a bundle may be timetagged; one further ahead is dropped. 0 applies every bundle on arrival. */
  maxAheadMs: number;
  /** Bundles held for a future time at once; more are dropped. */
  maxPending: number;
  /** Bytes held at once, counted decoded (each held bundle's wire bytes plus its decoded size); more are dropped. */
  maxPendingBytes: number;
  timers: Timers;
  /** Told of each bundle dropped, and why. */
  onDrop: (reason: DropReason) => void;
}

const defaults: BundleSchedulerOptions = {
  maxAheadMs: 10_000,
  maxPending: 512,
  maxPendingBytes: 8 * 1024 * 1024,
  timers: realTimers,
  onDrop: () => {},
};

interface Held {
  bytes: number;
  cancel: () => void;
}

/**
 * Applies a packet's messages in order, each bundle at its timetag: now when the time is past or "immediately",
 * later when it lies ahead. What waits is bounded: a bundle tagged further ahead than `maxAheadMs` (a sender whose
 * clock is off, or a flood parked in the future) is dropped, and so is one that would pass the count or byte cap.
 */
export class BundleScheduler {
  private readonly o: BundleSchedulerOptions;
  private readonly held = new Set<Held>();
  private heldBytes = 0;

  constructor(options: Partial<BundleSchedulerOptions> = {}) {
    this.o = { ...defaults, ...options } satisfies BundleSchedulerOptions;
  }

  /**
   * Whether a bundle due at `time` (unix ms, null = now) of `bytes` would be taken, without decoding it: the service
   * asks before it spends a decode on a datagram. A refusal is counted like a drop.
   */
  admits(time: number | null, bytes: number): boolean {
    if (this.o.maxAheadMs === 0 || time === null) return true;
    const reason = this.refusal(time - this.o.timers.now(), bytes);
    if (reason) this.o.onDrop(reason);
    return reason === undefined;
  }

  /** Runs `onMessage` for every message of `packet`, in order, at its time; `bytes` is the packet's size. */
  run(packet: OscPacket, onMessage: (message: OscMessage) => void, bytes = 0, notBefore = 0): void {
    if (!isBundle(packet)) return onMessage(packet);
    const runAll = (at: number) => {
      for (const p of packet.packets) this.run(p, onMessage, bytes, at);
    };
    if (this.o.maxAheadMs === 0) return runAll(0);
    // A nested bundle never runs before the bundle that holds it (OSC 1.0).
    const now = this.o.timers.now();
    const at = Math.max(packet.time ?? 0, notBefore);
    const delay = at - now;
    if (delay <= 0) return runAll(at);
    // Held decoded, so charged decoded: the wire bytes alone let 8 MiB hold about 95 MB of message objects.
    const charge = bytes + decodedSize(packet);
    const reason = this.refusal(delay, charge);
    if (reason) return this.o.onDrop(reason);
    const entry: Held = {
      bytes: charge,
      cancel: this.o.timers.after(delay, () => {
        this.release(entry);
        runAll(at);
      }),
    };
    this.held.add(entry);
    this.heldBytes += charge;
  }

  /** Bundles waiting for their time. */
  get pending(): number {
    return this.held.size;
  }

  /** Bytes of the bundles waiting, counted decoded (see maxPendingBytes). */
  get pendingBytes(): number {
    return this.heldBytes;
  }

  /** Drops every bundle still waiting (the service stops). */
  clear(): void {
    for (const entry of this.held) entry.cancel();
    this.held.clear();
    this.heldBytes = 0;
  }

  private refusal(delay: number, bytes: number): DropReason | undefined {
    if (delay <= 0) return undefined;
    if (delay > this.o.maxAheadMs) return 'osc_bundle_too_far_ahead';
    if (this.held.size >= this.o.maxPending || this.heldBytes + bytes > this.o.maxPendingBytes) {
      return 'osc_bundles_pending_full';
    }
    return undefined;
  }

  private release(entry: Held): void {
    if (this.held.delete(entry)) this.heldBytes -= entry.bytes;
  }
}
