/**
 * Feedback, which controllers: a parameter's new value goes to the outputs that show a mapping of it (feedback.ts
 * makes the messages), never back to the controller that made the change, batched by the FeedbackQueue.
 */
import { feedbackMessages } from './feedback';
import { FeedbackQueue } from './feedback-queue';
import type { MidiBytes } from './backend';
import type { MidiMapping } from '../../src/shared/midi';
import type { ParamValue } from '../../src/params/spec';
import type { ParamChange, ParamStore } from '../../src/params/store';
import type { Timers } from '../../src/kernel/timers';

export interface FeedbackSenderDeps {
  params: Pick<ParamStore, 'spec' | 'get'>;
  mappings: () => MidiMapping[];
  /** The devices of the open outputs. */
  devices: () => string[];
  /** The channel `device` last used mapping `id` on; undefined when it never used it. */
  used: (id: string, device: string) => { channel: number } | undefined;
  /** Sends a batch to one device. */
  send: (device: string, messages: MidiBytes[]) => void;
  intervalMs: number;
  timers: Timers;
}

export class FeedbackSender {
  private readonly queue: FeedbackQueue;

  constructor(private readonly o: FeedbackSenderDeps) {
    this.queue = new FeedbackQueue((device, messages) => o.send(device, messages), o.intervalMs, o.timers);
  }

  /** Queues every mapped value (at start, a controller plugged in, the parameter set replaced). */
  refresh(): void {
    for (const m of this.o.mappings()) {
      const value = this.o.params.get(m.param);
      if (value !== undefined) this.put(m, value, undefined);
    }
  }

  /** Queues a changed value for the controllers that show it. */
  changed(change: ParamChange): void {
    for (const m of this.o.mappings()) if (m.param === change.path) this.put(m, change.value, change.source);
  }

  /** Sends what waits now instead of at the end of the interval. */
  flush(): void {
    this.queue.flush();
  }

  /** Drops what waits (the service stops). */
  clear(): void {
    this.queue.clear();
  }

  /** Queues `value` for every output that shows `m`, except the one of the device the change came from. */
  private put(m: MidiMapping, value: ParamValue, source: string | undefined): void {
    const spec = this.o.params.spec(m.param);
    if (!spec) return;
    for (const device of this.o.devices()) {
      const used = this.o.used(m.id, device);
      // An any-device mapping talks back only to controllers that have used it: CC 7 to a synth is its volume.
      if (m.device === null ? !used : m.device !== device) continue;
      // The controller that made the change already shows it; echoing would fight its own fader.
      if (source === `midi:${device}`) continue;
      const channel = m.channel ?? used?.channel ?? 1;
      this.queue.put(device, m.id, feedbackMessages(m, spec, value, channel));
    }
  }
}
