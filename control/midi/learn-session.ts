/**
 * The timers around MIDI learn: one armed parameter at a time, a timeout, and the short wait for a possible LSB
 * after a CC 0-31. The decisions themselves are LearnMatcher's.
 */
import { LearnMatcher } from './learn';
import type { ControlEvent } from './assembler';
import type { Learned } from './learn';
import type { Learning, NoteMode } from '../../src/shared/midi';
import type { Timers } from '../../src/kernel/timers';

export interface LearnHandlers {
  learned(param: string, learned: Learned): void;
  expired(param: string): void;
}

export class LearnSession {
  private armed: { param: string; since: number; matcher: LearnMatcher } | undefined;
  private cancelTimeout: (() => void) | undefined;
  private cancelPairWait: (() => void) | undefined;

  constructor(
    private readonly o: { timeoutMs: number; pairWaitMs: number; timers: Timers },
    private readonly on: LearnHandlers,
  ) {}

  current(): Learning {
    return this.armed ? { param: this.armed.param, since: this.armed.since } : null;
  }

  /** Arms `param`, replacing whatever was armed. */
  arm(param: string, noteMode: NoteMode, timeoutMs = this.o.timeoutMs): void {
    this.cancel();
    this.armed = { param, since: this.o.timers.now(), matcher: new LearnMatcher(noteMode) };
    this.cancelTimeout = this.o.timers.after(timeoutMs, () => {
      const was = this.armed?.param;
      this.cancel();
      if (was !== undefined) this.on.expired(was);
    });
  }

  /** Disarms; true when something was armed. */
  cancel(): boolean {
    this.cancelTimeout?.();
    this.cancelPairWait?.();
    this.cancelTimeout = this.cancelPairWait = undefined;
    const was = this.armed !== undefined;
    this.armed = undefined;
    return was;
  }

  feed(device: string, event: ControlEvent): void {
    const armed = this.armed;
    if (!armed) return;
    const learned = armed.matcher.feed(device, event);
    if (learned) return this.finish(armed.param, learned);
    if (armed.matcher.waiting && !this.cancelPairWait) {
      this.cancelPairWait = this.o.timers.after(this.o.pairWaitMs, () => {
        this.cancelPairWait = undefined;
        const held = armed.matcher.flush();
        if (held && this.armed === armed) this.finish(armed.param, held);
      });
    }
  }

  private finish(param: string, learned: Learned): void {
    this.cancel();
    this.on.learned(param, learned);
  }
}
