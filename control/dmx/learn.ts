/**
 * DMX learn: one parameter armed at a time; the first channel that moves by at least LEARN_STEP levels (a fader
 * pushed, not noise) since learning was armed is bound, the lowest first. A universe's first levels after arming are
 * its baseline: moves count from there, so a fader pushed slowly over many packets is learned too.
 */
import type { DmxLearning, DmxProtocol } from '../../src/shared/dmx';
import type { Timers } from '../../src/kernel/timers';

export const LEARN_STEP = 8;

export interface LearnedChannel {
  protocol: DmxProtocol;
  universe: number;
  channel: number;
  fine: number | null;
}

/**
 * The channel a move from `baseline` to `now` picks, or undefined while nothing moved enough. For 16 bits the
 * coarse channel must have moved and the fine one after it too: a fine byte alone races ahead of its coarse one.
 */
export function movedChannel(
  baseline: Uint8Array,
  now: Uint8Array,
  bits: 8 | 16,
): { channel: number; fine: number | null } | undefined {
  const delta = (i: number) => Math.abs((now[i] ?? 0) - (baseline[i] ?? 0));
  for (let i = 0; i < 512; i++) {
    if (delta(i) < LEARN_STEP) continue;
    if (bits === 8) return { channel: i + 1, fine: null };
    if (i < 511 && delta(i + 1) > 0) return { channel: i + 1, fine: i + 2 };
  }
  return undefined;
}

export class DmxLearnSession {
  private armed: { param: string; bits: 8 | 16; since: number } | undefined;
  private readonly baselines = new Map<string, Uint8Array>();
  private cancelTimeout: (() => void) | undefined;

  constructor(
    private readonly o: { timers: Timers; timeoutMs: number },
    private readonly expired: (param: string) => void,
  ) {}

  current(): DmxLearning {
    return this.armed ? { ...this.armed } : null;
  }

  arm(param: string, bits: 8 | 16, timeoutMs = this.o.timeoutMs): void {
    this.cancel();
    this.armed = { param, bits, since: this.o.timers.now() };
    this.cancelTimeout = this.o.timers.after(timeoutMs, () => {
      const was = this.armed?.param;
      this.cancel();
      if (was !== undefined) this.expired(was);
    });
  }

  cancel(): boolean {
    this.cancelTimeout?.();
    this.cancelTimeout = undefined;
    const was = this.armed !== undefined;
    this.armed = undefined;
    this.baselines.clear();
    return was;
  }

  /** A universe's levels now: the parameter and its channel once something moved. */
  feed(
    protocol: DmxProtocol,
    universe: number,
    levels: Uint8Array,
  ): { param: string; learned: LearnedChannel } | undefined {
    const armed = this.armed;
    if (!armed) return undefined;
    const key = `${protocol}:${universe}`;
    const baseline = this.baselines.get(key);
    if (!baseline) {
      this.baselines.set(key, Uint8Array.from(levels));
      return undefined;
    }
    const moved = movedChannel(baseline, levels, armed.bits);
    if (!moved) return undefined;
    this.cancel();
    return { param: armed.param, learned: { protocol, universe, ...moved } };
  }
}
