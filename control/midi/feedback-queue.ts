/**
 * Coalesces feedback: each (device, mapping) keeps only its newest messages and a batch goes out at most once per
 * interval, so a fast LFO on a mapped parameter updates the LEDs smoothly without flooding a 31.25 kbit/s port.
 */
import type { MidiBytes } from './backend';
import type { Timers } from '../../src/kernel/timers';

export class FeedbackQueue {
  private readonly pending = new Map<string, { device: string; messages: MidiBytes[] }>();
  private cancelFlush: (() => void) | undefined;

  constructor(
    private readonly send: (device: string, messages: MidiBytes[]) => void,
    private readonly intervalMs: number,
    private readonly timers: Timers,
  ) {}

  /** Replaces what waits for `device` + `key` and schedules a flush. */
  put(device: string, key: string, messages: MidiBytes[]): void {
    if (messages.length === 0) return;
    this.pending.set(`${device}\u0000${key}`, { device, messages });
    this.cancelFlush ??= this.timers.after(this.intervalMs, () => this.flush());
  }

  /** Sends everything waiting now. */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const { device, messages } of batch) this.send(device, messages);
  }

  /** Drops what waits (the service stops). */
  clear(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}
