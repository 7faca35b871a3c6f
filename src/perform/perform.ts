/**
 * The perform layer: the tempo clock, quantised changes, modulators, cues, the prompt timeline, the A/B
 * crossfader and control takes, driven from the engine's frame boundary. It knows no transport: the commands,
 * routes and MIDI/OSC/Link adapters reach it through its methods.
 */
import { TempoClock } from './tempo/tempo-clock';
import { TapTempo } from './tempo/tap-tempo';
import { QuantizeScheduler } from './tempo/scheduler';
import { nextBoundary } from './tempo/quantize';
import { ModulatorBank, modulatorParams } from './modulation/modulator-bank';
import { CueList } from './cues/cue-list';
import { TimelinePlayer } from './cues/timeline';
import { Crossfader, XFADE_PARAM } from './cues/crossfade';
import { TakePlayer, TakeRecorder, TAKE_SOURCE } from './takes/take-recorder';
import { QuantizeSettings } from './quantize-settings';
import { p } from '../params/spec';
import type { FrameStage } from '../engine/frame-stage';
import type { ParamSpecs, ParamValues } from '../params/spec';
import type { ParamValue } from '../params/spec';
import type { ParamChange, ParamSource, ParamStore, SetOptions } from '../params/store';
import type { AudioFeatures, Quantize, TempoState } from '../shared/perform';
import type { EventSink } from '../kernel/events';

export interface PerformOptions {
  params: ParamStore;
  /** The engine clock's now() in ms: the timeline of beats, fades and takes. */
  now: () => number;
  events: EventSink;
  log: (message: string) => void;
  bpm: number;
  beatsPerBar: number;
  /** Values of a preset of the active pipeline, for the crossfader. */
  presetValues: (name: string) => Record<string, ParamValue> | undefined;
  /**
   * The crossfader across two pipelines: `hold` mixes a warm pipeline (A) with the active one (B) at the fader each
   * frame (null ends it) and answers why not; `held` names A while the mix lasts (a load ends it).
   */
  pipelineMix: { hold(id: string | null, fader: () => number): string | undefined; held(): string | null };
  /** Most `modulation` events per second (the panel's moving controls). */
  modulationHz: number;
}

const defaults: PerformOptions = {
  params: undefined as unknown as ParamStore,
  now: () => 0,
  events: { emit: () => {} },
  log: () => {},
  bpm: 120,
  beatsPerBar: 4,
  presetValues: () => undefined,
  pipelineMix: { hold: () => 'no pipelines to mix here', held: () => null },
  modulationHz: 15,
};

/** Sources whose writes are already timed (fades, replays) and never wait for a beat. */
const TIMED = { quantize: 'off' } satisfies SetOptions;

export class Perform implements FrameStage {
  private readonly o: PerformOptions;
  // The options the service beside it (perform-service.ts, undo.ts) works with; the rest stay private.
  readonly params: ParamStore;
  /** The engine clock's now() in ms. */
  readonly now: () => number;
  readonly events: PerformOptions['events'];
  readonly log: (message: string) => void;
  readonly presetValues: PerformOptions['presetValues'];
  readonly pipelineMix: PerformOptions['pipelineMix'];
  readonly tempo: TempoClock;
  readonly scheduler = new QuantizeScheduler();
  readonly quantize = new QuantizeSettings();
  readonly modulators = new ModulatorBank();
  readonly cues = new CueList();
  readonly timeline = new TimelinePlayer();
  readonly crossfader = new Crossfader();
  readonly takeRecorder = new TakeRecorder();
  readonly takePlayer = new TakePlayer();
  private readonly tap = new TapTempo();
  private audio: AudioFeatures = { level: 0, low: 0, mid: 0, high: 0, onset: 0 };
  private audioSource: { features(): AudioFeatures } | undefined;
  private lastBeat = Number.NaN;
  private lastModulationAt = -Infinity;
  private moving = false;
  private cueWasFading = false;
  private unsubscribe: (() => void)[] = [];
  /**
   * Global trigger parameters that run an action (`tempo.tap`, `cue.go`, `cue.previous`): MIDI learn, OSC and the
   * panel reach them like any parameter, and a MIDI pad taps the tempo or goes to the next cue.
   */
  private readonly triggers = new Map<string, { label: string; run: () => void }>();
  private started = false;
  /** Where Link (when on) reports: set by the Link adapter. */
  link: TempoState['link'] = { available: false, enabled: false, peers: 0, reason: 'Link is off.' };

  constructor(options: Partial<PerformOptions> & Pick<PerformOptions, 'params'>) {
    this.o = { ...defaults, ...options } satisfies PerformOptions;
    this.params = this.o.params;
    this.now = this.o.now;
    this.events = this.o.events;
    this.log = this.o.log;
    this.presetValues = this.o.presetValues;
    this.pipelineMix = this.o.pipelineMix;
    this.tempo = new TempoClock({ now: this.o.now, bpm: this.o.bpm, beatsPerBar: this.o.beatsPerBar });
  }

  /** Installs the gate and the global parameters, and listens to the store and the clock. */
  start(): void {
    const { params } = this.o;
    this.started = true;
    params.defineGlobal({
      [XFADE_PARAM]: p.number(0, { min: 0, max: 1, group: 'perform', label: 'A/B crossfade' }),
    });
    this.addTrigger('tempo.tap', 'tap tempo', () => void this.tapTempo());
    for (const [path, t] of this.triggers)
      params.defineGlobal({ [path]: p.trigger({ group: 'perform', label: t.label }) });
    params.setGate((values, source, options) => this.gate(values, source, options));
    this.unsubscribe = [
      params.onChange((change) => change.kind === 'value' && this.onParam(change)),
      this.tempo.onChange((kind) => {
        if (kind === 'jump') this.scheduler.retarget(this.tempo.beatAt(), this.tempo.beatsPerBar);
        this.emitTempo();
      }),
    ];
  }

  /** A global trigger parameter that runs `run` when it fires (from MIDI, OSC, the panel, HTTP). */
  addTrigger(path: string, label: string, run: () => void): void {
    this.triggers.set(path, { label, run });
    if (this.started) this.o.params.defineGlobal({ [path]: p.trigger({ group: 'perform', label }) });
  }

  stop(): void {
    this.started = false;
    this.o.params.setGate(undefined);
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.scheduler.clear();
  }

  // ---- the frame boundary ----

  prepare(due: number): void {
    const beat = this.tempo.beatAt(due);
    this.scheduler.due(beat, (what, err) => this.o.log(`Quantised ${what} failed: ${(err as Error).message}`));
    this.apply(this.cues.stepFade(due, this.o.params), 'cue');
    const fading = this.cues.state().fading !== null;
    if (fading || this.cueWasFading) this.o.events.emit('cues', this.cues.state());
    this.cueWasFading = fading;
    const wasPlaying = this.timeline.isPlaying;
    this.apply(this.timeline.step(due, beat, this.o.params), 'timeline');
    if (wasPlaying !== this.timeline.isPlaying) this.o.events.emit('timeline', this.timeline.state());
    const wasTake = this.takePlayer.playing !== null;
    this.apply(this.takePlayer.step(due), TAKE_SOURCE);
    if (wasTake && !this.takePlayer.playing) this.o.events.emit('takes-playing', null);
    if (this.audioSource) this.audio = this.audioSource.features();
    const whole = Math.floor(beat + 1e-9);
    if (whole !== this.lastBeat) {
      this.lastBeat = whole;
      this.emitTempo(due);
    }
  }

  modulate(snapshot: ParamValues<ParamSpecs>, due: number): ParamValues<ParamSpecs> {
    const at = { seconds: due / 1000, beat: this.tempo.beatAt(due), audio: this.audio };
    const { values, moved } = this.modulators.apply(snapshot, this.o.params.all(), at);
    const active = Object.keys(moved).length > 0;
    if ((active || this.moving) && due - this.lastModulationAt >= 1000 / this.o.modulationHz) {
      this.lastModulationAt = due;
      this.moving = active;
      this.o.events.emit('modulation', { values: moved });
    }
    // The pipeline sees its own parameters only.
    const out: Record<string, ParamValue> = {};
    for (const [path, value] of Object.entries(values)) if (!this.o.params.isGlobal(path)) out[path] = value;
    return out;
  }

  // ---- tempo ----

  /** One tap; the tempo follows from the second tap on, and the tap lands on a beat. */
  tapTempo(t: number = this.o.now()): number | undefined {
    const bpm = this.tap.tap(t);
    if (bpm === undefined) return undefined;
    this.tempo.setBpm(bpm, 'tap', t);
    this.tempo.align(t, Math.round(this.tempo.beatAt(t)), this.tempo.bpm, 'tap');
    return this.tempo.bpm;
  }

  setBpm(bpm: number, source: 'internal' | 'osc' = 'osc'): number {
    return this.tempo.setBpm(bpm, source);
  }

  tempoState(t: number = this.o.now()): TempoState {
    return {
      bpm: this.tempo.bpm,
      ...this.tempo.position(t),
      beatsPerBar: this.tempo.beatsPerBar,
      source: this.tempo.source,
      playing: this.tempo.playing,
      quantize: this.quantize.all(),
      pending: this.scheduler.pending,
      link: this.link,
    };
  }

  setQuantize(quantize: Quantize, surface?: Parameters<QuantizeSettings['set']>[1]): void {
    this.quantize.set(quantize, surface);
    this.emitTempo();
  }

  /**
   * Runs `action` now, or on the boundary `quantize` names; returns the beat it lands on (undefined: now).
   * What cues, takes and the timeline do when they go is quantised through here.
   */
  at(quantize: Quantize | undefined, what: string, action: () => void): number | undefined {
    if (!quantize || quantize === 'off') {
      action();
      return undefined;
    }
    const beat = nextBoundary(this.tempo.beatAt(), quantize, this.tempo.beatsPerBar);
    this.scheduler.schedule(beat, quantize, what, action);
    this.emitTempo();
    return beat;
  }

  // ---- audio ----

  /** The analyser (or any source of features) that drives audio modulators; undefined detaches it. */
  attachAudio(source: { features(): AudioFeatures } | undefined): void {
    this.audioSource = source;
  }

  /** Features from outside (an audio tool over OSC): each given one replaces its value until the next. */
  setAudio(features: Partial<AudioFeatures>): void {
    this.audio = { ...this.audio, ...features };
  }

  audioFeatures(): AudioFeatures {
    return { ...this.audio };
  }

  // ---- writes ----

  /** Applies values from a fade, the timeline or a take: timed already, so never quantised again. */
  apply(values: Record<string, ParamValue> | undefined, source: ParamSource): void {
    if (!values || Object.keys(values).length === 0) return;
    const result = this.o.params.setMany(values, source, TIMED);
    if (!result.ok) {
      // A value the pipeline no longer takes: apply the rest.
      for (const [path, value] of Object.entries(values)) this.o.params.set(path, value, source, TIMED);
    }
  }

  /** The global parameters of a modulator appear (or change range) with it. */
  defineModulatorParams(ids: { add?: Parameters<typeof modulatorParams>[0][]; remove?: string[] }): void {
    for (const m of ids.add ?? []) this.o.params.defineGlobal(modulatorParams(m));
    for (const id of ids.remove ?? []) this.o.params.removeGlobal([`${id}.depth`, `${id}.rate`]);
  }

  private gate(values: Record<string, ParamValue>, source: ParamSource, options: SetOptions): number | undefined {
    // A tap or a cue trigger acts now; a cue quantises its own go.
    if (Object.keys(values).every((path) => this.triggers.has(path))) return undefined;
    const quantize = (options.quantize as Quantize | undefined) ?? this.quantize.forSource(source);
    if (quantize === 'off') return undefined;
    const what = `change of ${Object.keys(values).join(', ')} from ${source}`;
    return this.at(quantize, what, () => {
      const result = this.o.params.setMany(values, source, TIMED);
      if (!result.ok) this.o.log(`Quantised ${what} was rejected: ${Object.values(result.errors).join('; ')}`);
    });
  }

  private onParam(change: ParamChange): void {
    const t = this.o.now();
    this.takeRecorder.record(change, t, this.tempo.beatAt(t));
    if (change.path === XFADE_PARAM && typeof change.value === 'number') this.crossfade(change.value);
    const trigger = this.triggers.get(change.path);
    if (trigger && change.value === true) {
      try {
        trigger.run();
      } catch (err) {
        this.o.log(`${change.path}: ${(err as Error).message}`);
      }
    }
  }

  /** Moves the parameters to the A/B mix at `x`, when both presets are set and exist. */
  crossfade(x: number): void {
    const { a, b } = this.crossfader;
    const va = a ? this.o.presetValues(a) : undefined;
    const vb = b ? this.o.presetValues(b) : undefined;
    if (!va || !vb) return;
    this.apply(this.crossfader.values(x, va, vb, this.o.params), 'xfade');
  }

  private emitTempo(t?: number): void {
    this.o.events.emit('tempo', this.tempoState(t));
  }
}
