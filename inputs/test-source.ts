/** A scriptable source for the hub's and the routes' tests: sends the frames it is told to, fails when told. */
import { z } from 'zod';
import type { Availability, InputKind, InputSource, SourceContext } from './source';

export const fakeSourceOptionsSchema = z.strictObject({ level: z.number().int().min(0).max(255) });
export type FakeSourceOptions = z.infer<typeof fakeSourceOptionsSchema>;

export class FakeSource implements InputSource<FakeSourceOptions> {
  readonly name: string;
  readonly optionsSchema = fakeSourceOptionsSchema.partial();
  unavailable: string | undefined;
  /** Thrown by the next start() calls while set. */
  failStart: string | undefined;
  started = 0;
  stopped = 0;
  ctx: SourceContext | undefined;
  private opts: FakeSourceOptions = { level: 100 };

  constructor(
    readonly id: string,
    readonly kind: InputKind = 'file',
  ) {
    this.name = `Fake ${id}`;
  }

  availability(): Availability {
    return this.unavailable ? { available: false, reason: this.unavailable } : { available: true };
  }

  async start(ctx: SourceContext): Promise<void> {
    this.started++;
    if (this.failStart) throw new Error(this.failStart);
    this.ctx = ctx;
  }

  async stop(): Promise<void> {
    this.stopped++;
    this.ctx = undefined;
  }

  /** Delivers a flat frame of `level` (red channel) at width x height; counts its conversions. */
  send(width = 8, height = 4, level = this.opts.level): { conversions: number } {
    const counter = { conversions: 0 };
    this.ctx?.frame({
      width,
      height,
      rgba: () => {
        counter.conversions++;
        const data = new Uint8Array(width * height * 4);
        for (let i = 0; i < data.length; i += 4) data.set([level, 0, 0, 255], i);
        return data;
      },
    });
    return counter;
  }

  options(): FakeSourceOptions {
    return { ...this.opts };
  }

  setOptions(patch: Partial<FakeSourceOptions>): void {
    this.opts = { ...this.opts, ...patch };
  }
}
