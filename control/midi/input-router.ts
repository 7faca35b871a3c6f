/**
 * Where incoming MIDI goes: a system message (MTC, SysEx, ...) to its listeners as well, clock to the clock link,
 * and the rest, assembled per device into control events, to learn while it is armed, else to the mappings.
 */
import { MidiAssembler } from './assembler';
import type { ControlEvent } from './assembler';
import type { MidiBytes } from './backend';

export interface InputRoutes {
  /** Takes a clock message (true); anything else is not its (false). */
  clock(device: string, bytes: MidiBytes): boolean;
  learning(): boolean;
  learn(device: string, event: ControlEvent): void;
  apply(device: string, event: ControlEvent): void;
}

export class MidiInputRouter {
  /** Messages that made control events. */
  received = 0;
  private readonly assemblers = new Map<string, MidiAssembler>();
  private readonly systemListeners = new Set<(device: string, bytes: MidiBytes) => void>();

  constructor(private readonly to: InputRoutes) {}

  /** Hands every system message to `listener` as well; returns its removal. */
  onSystem(listener: (device: string, bytes: MidiBytes) => void): () => void {
    this.systemListeners.add(listener);
    return () => this.systemListeners.delete(listener);
  }

  /** Routes one message from `device`. */
  receive(device: string, bytes: MidiBytes): void {
    if ((bytes[0] ?? 0) >= 0xf0) for (const listener of this.systemListeners) listener(device, bytes);
    // Clock runs 48 times a second at 120 bpm: it moves the tempo, never counts as a control message.
    if (this.to.clock(device, bytes)) return;
    let assembler = this.assemblers.get(device);
    if (!assembler) this.assemblers.set(device, (assembler = new MidiAssembler()));
    const events = assembler.feed(bytes);
    if (events.length === 0) return;
    this.received++;
    // While learning, a message only teaches: it moves nothing, not even the control being learned.
    if (this.to.learning()) for (const event of events) this.to.learn(device, event);
    else for (const event of events) this.to.apply(device, event);
  }

  /** Drops the messages half assembled (the ports closed). */
  reset(): void {
    this.assemblers.clear();
  }
}
