/** A scriptable output for the hub's tests: records what it gets, and can stall, throw or be unavailable. */
import { z } from 'zod';
import type { Availability, Output, OutputFrame, OutputKind, OutputStatus, PixelFormat } from './output';

export const fakeOptionsSchema = z.strictObject({
  name: z.string().min(1).max(64),
  quality: z.number().int().min(1).max(100),
});
export type FakeOptions = z.infer<typeof fakeOptionsSchema>;

export class FakeOutput implements Output<FakeOptions> {
  readonly name: string;
  readonly optionsSchema = fakeOptionsSchema.partial();
  readonly seqs: number[] = [];
  behaviour: 'ok' | 'throw' | 'stall' | 'slow' = 'ok';
  unavailable: string | undefined;
  format: PixelFormat = 'rgba';
  started = 0;
  stopped = 0;
  private opts: FakeOptions = { name: 'fake', quality: 50 };
  private release: (() => void)[] = [];

  constructor(
    readonly id: string,
    readonly kind: OutputKind = 'mjpeg',
  ) {
    this.name = `Fake ${id}`;
  }

  availability(): Availability {
    return this.unavailable ? { available: false, reason: this.unavailable } : { available: true };
  }

  async start(): Promise<void> {
    this.started++;
  }

  async stop(): Promise<void> {
    this.stopped++;
  }

  accept(frame: OutputFrame): void | Promise<void> {
    this.seqs.push(frame.seq);
    frame.pixels(this.format);
    if (this.behaviour === 'throw') throw new Error('sink exploded');
    if (this.behaviour === 'stall') return new Promise<void>(() => {});
    if (this.behaviour === 'slow') return new Promise<void>((resolve) => this.release.push(resolve));
    return undefined;
  }

  /** Lets the slow output finish the frame it is on. */
  finish(): void {
    this.release.shift()?.();
  }

  status(): OutputStatus {
    return { clients: 0 };
  }

  options(): FakeOptions {
    return { ...this.opts };
  }

  setOptions(patch: Partial<FakeOptions>): void {
    this.opts = { ...this.opts, ...patch };
  }
}
