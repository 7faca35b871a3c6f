import { isBundle } from './codec';
import type { OscMessage, OscPacket } from './codec';

/**
 * Applies a packet's messages in order, each bundle at its timetag: now when the time is past or
 * "immediately", later when it lies ahead, but never more than `maxAheadMs` ahead, so a sender whose clock
 * is off does not park values for hours.
 */
export class BundleScheduler {
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly maxAheadMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `onMessage` for every message of `packet`, in order, at its time. */
  run(packet: OscPacket, onMessage: (message: OscMessage) => void, notBefore = 0): void {
    if (!isBundle(packet)) return onMessage(packet);
    // A nested bundle never runs before the bundle that holds it (OSC 1.0).
    const now = this.now();
    const at = Math.min(Math.max(packet.time ?? 0, notBefore), now + this.maxAheadMs);
    const delay = at - now;
    const runAll = () => {
      for (const p of packet.packets) this.run(p, onMessage, at);
    };
    if (delay <= 0) return runAll();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      runAll();
    }, delay);
    this.timers.add(timer);
  }

  /** Bundles waiting for their time. */
  get pending(): number {
    return this.timers.size;
  }

  /** Drops every bundle still waiting (the service stops). */
  clear(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
