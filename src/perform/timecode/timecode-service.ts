/**
 * Timecode as the surfaces use it: the show's position (followed from MTC or LTC, or made by the internal
 * generator), the chase of cues and the timeline, and the settings in `timecode.json` (saved atomically, undone when
 * the write fails). Sources hand it positions through hear(); it knows no transport. Its dropout timer runs on
 * the clock it is given (the engine clock; a ManualClock in tests).
 */
import { join } from 'node:path';
import { JsonFile } from '../json-file';
import { ScopeError } from '../../kernel/errors';
import { TimecodeChase } from './timecode-chase';
import { TimecodeFollower } from './timecode-follower';
import { RATES, formatTimecode, fromFrames, timecodeOf, toFrames } from '../../shared/timecode-math';
import { timecodeFileSchema } from '../../shared/timecode';
import type { Heard, TimecodeEvent } from './timecode-follower';
import type { Perform } from '../perform';
import type { PerformService } from '../perform-service';
import type { WriteFile } from '../../settings-writer';
import type { TimecodeFile, TimecodePut, TimecodeRate, TimecodeSource, TimecodeStatus } from '../../shared/timecode';

export interface TimecodeServiceOptions {
  source: TimecodeSource;
  /** The config dir: `timecode.json` lives there. */
  dir: string;
  /** The engine clock (now and timers, in ms). */
  clock: { now(): number; after(ms: number, fn: () => void): () => void };
  /** How long the position runs on after the last one heard before the state is `stopped`. */
  freewheelMs: number;
  /** How far (in frames) a position may be from the freewheel's before it counts as a jump. */
  jumpFrames: number;
  write?: WriteFile;
}

export const timecodeServiceDefaults = { freewheelMs: 400, jumpFrames: 3 };

export class TimecodeService {
  readonly follower: TimecodeFollower;
  readonly chase: TimecodeChase;
  /** Why nothing can come in (no MIDI, no audio device); set by the source's adapter. */
  reason: () => string | undefined = () => undefined;
  /** The MIDI outputs MTC goes to; set by the MTC out adapter. */
  mtcOut: () => string[] = () => [];
  private settings: TimecodeFile = timecodeFileSchema.parse({});
  private readonly file: JsonFile<TimecodeFile>;
  private cancelCheck: (() => void) | undefined;
  private cancelTick: (() => void) | undefined;
  private readonly events: Perform['events'];
  private readonly off: () => void;

  constructor(
    service: PerformService,
    private readonly o: TimecodeServiceOptions,
  ) {
    const perform: Perform = service.perform;
    this.events = perform.events;
    this.file = new JsonFile(
      join(o.dir, 'timecode.json'),
      timecodeFileSchema,
      'Timecode settings',
      perform.log,
      o.write,
    );
    this.follower = new TimecodeFollower({ freewheelMs: o.freewheelMs, jumpFrames: o.jumpFrames });
    this.chase = new TimecodeChase(service, perform);
    this.off = this.follower.onChange((e) => this.changed(e, perform));
  }

  get source(): TimecodeSource {
    return this.o.source;
  }

  /** The rate set for the generator (and for MTC out before anything is heard). */
  get rate(): TimecodeRate {
    return this.follower.rate ?? this.settings.rate;
  }

  /** The saved settings (`timecode.json`): the generator's rate and the chase. */
  saved(): { rate: TimecodeRate; chase: TimecodeFile['chase'] } {
    return { rate: this.settings.rate, chase: this.settings.chase };
  }

  /** Reads `timecode.json` (missing: the defaults; damaged: set aside and said). */
  async load(): Promise<void> {
    const read = await this.file.read();
    if (read) this.settings = read;
    this.chase.settings = this.settings.chase;
  }

  /** A position from the source (MTC, LTC); ignored when timecode is off or internal. */
  hear(h: Heard): void {
    if (this.o.source !== 'mtc' && this.o.source !== 'ltc') return;
    this.follower.hear(h);
    if (!h.locate && !this.cancelCheck) this.armCheck(this.o.freewheelMs);
  }

  /** Frames since midnight now, and whether they run: what MTC out sends. */
  position(t: number = this.o.clock.now()): { frames: number; rate: TimecodeRate; running: boolean } | undefined {
    const frames = this.follower.position(t);
    if (frames === undefined) return undefined;
    return { frames, rate: this.rate, running: this.follower.state === 'running' && !this.follower.reverse };
  }

  status(): TimecodeStatus {
    const f = this.follower;
    const frames = f.position(this.o.clock.now());
    const rate = f.rate ?? (this.o.source === 'internal' ? this.settings.rate : null);
    const reason = this.reason();
    return {
      source: this.o.source,
      rate,
      position: frames === undefined || !rate ? null : formatTimecode(fromFrames(frames, rate), rate === '29.97df'),
      state: f.state,
      reverse: f.reverse,
      jumps: f.jumps,
      heard: f.heard,
      ...(reason !== undefined ? { reason } : {}),
      chase: this.chase.settings,
      lastCue: this.chase.lastCue,
      mtcOut: this.mtcOut(),
    };
  }

  /** Applies a PUT: settings are saved (and undone when the write fails); the generator runs or locates. */
  async update(put: TimecodePut): Promise<TimecodeStatus> {
    if (put.running !== undefined || put.locate !== undefined) this.refuseTransport();
    // Judged at the rate it will meet, before anything is saved: a refusal changes nothing.
    if (put.locate !== undefined) this.refuseLabel(put.locate, put.rate ?? this.rate);
    const rateBefore = this.follower.rate;
    if (put.chase !== undefined || put.rate !== undefined) {
      const before = this.settings;
      this.settings = {
        ...before,
        ...(put.rate !== undefined ? { rate: put.rate } : {}),
        chase: { ...before.chase, ...put.chase },
      };
      this.chase.settings = this.settings.chase;
      await this.file.write(this.settings, () => {
        this.settings = before;
        this.chase.settings = before.chase;
      });
    }
    const now = this.o.clock.now();
    const at = this.follower.position(now);
    if (
      put.rate !== undefined &&
      this.o.source === 'internal' &&
      rateBefore &&
      put.rate !== rateBefore &&
      at !== undefined
    ) {
      // The generator keeps its label across a change of rate.
      this.follower.locate(toFrames(fromFrames(at, rateBefore), put.rate), put.rate, now);
    }
    return this.transport(put);
  }

  /** The internal generator: locates (hh:mm:ss:ff, already checked) and runs or stops; refused for other sources. */
  transport(t: { running?: boolean; locate?: string }): TimecodeStatus {
    if (t.running !== undefined || t.locate !== undefined) this.refuseTransport();
    if (t.locate !== undefined) this.refuseLabel(t.locate, this.rate);
    const now = this.o.clock.now();
    if (t.locate !== undefined) this.follower.locate(toFrames(timecodeOf(t.locate), this.rate), this.rate, now);
    if (t.running !== undefined) this.follower.run(t.running, this.rate, now);
    if (this.follower.state === 'running' && !this.cancelTick) this.tick();
    const status = this.status();
    this.emit(status);
    return status;
  }

  /**
   * A label the rate has not (frame 27 at 25 fps, ;00 of a minute at drop-frame) would land elsewhere than asked:
   * refused with a sentence. The text itself was checked already (hh:mm:ss:ff, frames below 30).
   */
  private refuseLabel(text: string, rate: TimecodeRate): void {
    const tc = timecodeOf(text);
    const { nominal, drop } = RATES[rate];
    if (tc.frames >= nominal) {
      throw new ScopeError('invalid_body', `timecode ${text}: frames go from 00 to ${nominal - 1} at ${rate} fps`);
    }
    if (drop && tc.seconds === 0 && tc.frames < 2 && tc.minutes % 10 !== 0) {
      throw new ScopeError(
        'invalid_body',
        `timecode ${text} does not exist at 29.97 drop-frame: ;00 and ;01 are skipped each minute but every tenth`,
      );
    }
  }

  private refuseTransport(): void {
    if (this.o.source === 'internal') return;
    throw new ScopeError(
      'conflict',
      this.o.source === 'off'
        ? 'timecode is off: start the server with --timecode internal to run the generator'
        : `timecode follows ${this.o.source.toUpperCase()}: locate and run the source instead`,
    );
  }

  /** Stops the timers and waits for the settings file. */
  async close(): Promise<void> {
    this.cancelCheck?.();
    this.cancelCheck = undefined;
    this.cancelTick?.();
    this.cancelTick = undefined;
    this.off();
    await this.file.flush();
  }

  private armCheck(ms: number): void {
    this.cancelCheck = this.o.clock.after(ms, () => {
      this.cancelCheck = undefined;
      const left = this.follower.check(this.o.clock.now());
      if (left !== undefined) this.armCheck(left);
    });
  }

  /** The generator's frames, one per frame of its rate, so the chase sees it pass each one. */
  private tick(): void {
    this.follower.tick(this.o.clock.now());
    if (this.follower.state !== 'running') {
      this.cancelTick = undefined;
      return;
    }
    this.cancelTick = this.o.clock.after(1000 / RATES[this.rate].fps, () => this.tick());
  }

  private changed(e: TimecodeEvent, perform: Perform): void {
    try {
      this.chase.follow(e, this.follower.reverse);
    } catch (err) {
      perform.log(`Timecode chase: ${(err as Error).message}`);
    }
    if (e.kind !== 'frame') this.emit(this.status());
  }

  private emit(status: TimecodeStatus): void {
    this.events.emit('timecode', status);
  }
}
