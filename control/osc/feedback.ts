import { OSC_PREFIX } from './addresses';
import { typedArg } from './router';
import type { OscMessage } from './codec';
import type { Engine } from '../../src/engine/engine';
import type { ParamStore } from '../../src/params/store';
import { every } from '../../src/kernel/timers';
import type { Timers } from '../../src/kernel/timers';

export interface FeedbackTarget {
  host: string;
  port: number;
}

/** Parses `host:port` (`[::1]:9000` for IPv6) into a target, or a sentence saying what is wrong. */
export function parseFeedbackTarget(text: string): FeedbackTarget | string {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) return `OSC feedback target "${text}" is not host:port (port 1..65535)`;
  return { host: m[1] ?? m[2]!, port };
}

export const formatTarget = (t: FeedbackTarget) =>
  t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;

export interface FeedbackDeps {
  params: Pick<ParamStore, 'onChange' | 'spec'>;
  engine: Pick<Engine, 'getStats' | 'latest'>;
  /** Sends one message to one target; must not throw. */
  send(message: OscMessage, target: FeedbackTarget): void;
  /** The wall time the stats go out on. */
  timers: Timers;
}

/**
 * Tells the feedback targets about every parameter change that did not come from OSC (a controller's own
 * moves are not echoed back to it, nor to other OSC controllers), and about the frame rate and frame number
 * at most `hz` times a second.
 */
export class OscFeedback {
  private unsubscribe: (() => void) | undefined;
  private cancelStats: (() => void) | undefined;

  constructor(
    private readonly targets: FeedbackTarget[],
    private readonly deps: FeedbackDeps,
    private readonly hz = 4,
  ) {}

  start(): void {
    if (this.targets.length === 0 || this.unsubscribe) return;
    this.unsubscribe = this.deps.params.onChange((event) => {
      if (event.source === 'osc') return;
      // A loaded pipeline's whole set goes out, so a controller shows the new values without being touched.
      const values = event.kind === 'value' ? { [event.path]: event.value } : event.values;
      for (const [path, value] of Object.entries(values)) {
        const spec = this.deps.params.spec(path);
        if (spec && spec.kind !== 'trigger') {
          this.broadcast({ address: `${OSC_PREFIX}/${path}`, args: [typedArg(spec, value)] });
        }
      }
    });
    if (this.hz > 0) this.cancelStats = every(this.deps.timers, 1000 / this.hz, () => this.sendStats());
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.cancelStats?.();
    this.cancelStats = undefined;
  }

  private sendStats(): void {
    const fps = this.deps.engine.getStats().fps;
    const frame = this.deps.engine.latest()?.seq ?? 0;
    this.broadcast({ address: `${OSC_PREFIX}/fps`, args: [{ type: 'f', value: fps }] });
    this.broadcast({ address: `${OSC_PREFIX}/frame`, args: [{ type: 'i', value: frame }] });
  }

  private broadcast(message: OscMessage): void {
    for (const t of this.targets) this.deps.send(message, t);
  }
}
