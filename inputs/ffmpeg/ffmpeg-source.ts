import { constants } from 'node:os';
import { locateFfmpeg } from '../../src/media/ffmpeg-locate';
import { lastLine, runFfmpeg } from './process';
import type { z } from 'zod';
import type { FfmpegLocation } from '../../src/media/ffmpeg-locate';
import type { FfmpegExit, FfmpegRun } from './process';
import type { PamFrame } from './pam-reader';
import type { Availability, InputKind, InputSource, SourceContext, SourceFrame } from '../source';

/** The seam for tests and platforms: what finds ffmpeg. */
export type FfmpegLocator = () => FfmpegLocation;

/**
 * A source fed by one ffmpeg process writing PAM frames (files and cameras share it). The process is started on
 * start(), ended on stop() and on removal, and dies with the server (see process.ts); when it exits by itself
 * the source says why, from ffmpeg's own last words, and the hub starts it again unless it was a file that ended.
 */
export abstract class FfmpegSource<O extends Record<string, unknown>> implements InputSource<O> {
  abstract readonly kind: InputKind;
  abstract readonly optionsSchema: z.ZodType<Partial<O>>;
  protected o: O;
  private run: FfmpegRun | undefined;
  private ctx: SourceContext | undefined;
  private ffmpeg: string | undefined;

  protected constructor(
    readonly id: string,
    readonly name: string,
    options: O,
    private readonly locate: FfmpegLocator = locateFfmpeg,
  ) {
    this.o = options;
  }

  /** The ffmpeg arguments for the current options. */
  protected abstract args(): string[];

  /** What to say (and whether to try again) when ffmpeg ended by itself without an error. */
  protected abstract ended(): { reason: string; retry: boolean };

  availability(): Availability {
    const found = this.locate();
    return 'path' in found ? { available: true } : { available: false, reason: found.reason };
  }

  async start(ctx: SourceContext): Promise<void> {
    const found = this.locate();
    if (!('path' in found)) throw new Error(found.reason);
    this.ffmpeg = found.path;
    this.ctx = ctx;
    this.spawn();
  }

  async stop(): Promise<void> {
    const run = this.run;
    this.run = undefined;
    this.ctx = undefined;
    await run?.stop();
  }

  /** The process id of the running ffmpeg's watchdog (tests check that nothing is left behind). */
  get pid(): number | undefined {
    return this.run?.pid;
  }

  options(): O {
    return { ...this.o };
  }

  /** New options take effect by starting ffmpeg again with them (a file then plays from its start). */
  async setOptions(patch: Partial<O>): Promise<void> {
    this.o = { ...this.o, ...patch };
    if (!this.run || !this.ctx) return;
    const run = this.run;
    this.run = undefined;
    await run.stop();
    if (this.ctx) this.spawn();
  }

  detail(): string | undefined {
    return this.ffmpeg && `ffmpeg ${this.ffmpeg}`;
  }

  private spawn(): void {
    const ctx = this.ctx!;
    const run: FfmpegRun = runFfmpeg(this.ffmpeg!, this.args(), {
      frame: (pam) => {
        if (this.run === run) ctx.frame(toSourceFrame(pam));
      },
      exit: (exit) => {
        if (this.run !== run) return;
        this.run = undefined;
        const why = this.why(exit);
        ctx.lost(why.reason, why.retry);
      },
    });
    this.run = run;
  }

  private why(exit: FfmpegExit): { reason: string; retry: boolean } {
    if (exit.code === 0) return this.ended();
    const said = lastLine(exit.stderr);
    // Under the watchdog shell a signal shows as 128 + its number.
    const signal = exit.signal ?? (exit.code !== null && exit.code > 128 ? signalName(exit.code - 128) : undefined);
    const how = signal ? `was killed (${signal})` : `exited with code ${exit.code}`;
    return { reason: `ffmpeg ${how}${said ? `: ${said}` : ''}`, retry: true };
  }
}

function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
}

/** A PAM frame as a source frame: RGBA as it is, RGB widened once when asked. */
function toSourceFrame(pam: PamFrame): SourceFrame {
  const { width, height, data } = pam;
  return {
    width,
    height,
    ...(pam.depth === 4 ? { raw: { layout: 'rgba' as const, width, height, data } } : {}),
    rgba: () => {
      if (pam.depth === 4) return pam.data;
      const out = new Uint8Array(pam.width * pam.height * 4);
      const step = pam.depth;
      for (let i = 0, o = 0; o < out.length; i += step, o += 4) {
        const grey = step < 3;
        out[o] = pam.data[i]!;
        out[o + 1] = pam.data[grey ? i : i + 1]!;
        out[o + 2] = pam.data[grey ? i : i + 2]!;
        out[o + 3] = 255;
      }
      return out;
    },
  };
}
