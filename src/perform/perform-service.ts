/**
 * The perform layer as the surfaces use it: validated operations on cues, the timeline, modulators, takes and the
 * crossfader, each saved atomically in the config dir (cues.json, timeline.json, modulators.json, takes/) and
 * announced on the event bus. Errors are kernel errors, so HTTP, WebSocket and OSC answer them alike.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { JsonFile } from './json-file';
import { cuesUndo, liveModulators, modulatorsUndo, timelineUndo } from './undo';
import { saveFailed } from '../files';
import { ScopeError } from '../kernel/errors';
import { nextBoundary } from './tempo/quantize';
import { cueListSchema, modulatorSchema, takeSchema, timelineSchema } from '../shared/perform';
import type { Perform } from './perform';
import type { WriteFile } from '../settings-writer';
import type { CrossfadeState, Cue, CueState, Modulator, Quantize, Take, TakesState, Timeline } from '../shared/perform';

const modulatorsFileSchema = z.object({ version: z.literal(1).default(1), modulators: z.array(modulatorSchema) });

export interface PerformServiceOptions {
  /** The config dir; files go directly in it, takes in `takes/`. */
  dir: string;
  activePipeline: () => string | null;
  wallClock: () => Date;
  /** Writes a file (writeFileAtomic by default); tests put a full disk here. */
  write?: WriteFile;
}

export class PerformService {
  private readonly cuesFile: JsonFile<z.infer<typeof cueListSchema>>;
  private readonly timelineFile: JsonFile<Timeline>;
  private readonly modulatorsFile: JsonFile<z.infer<typeof modulatorsFileSchema>>;
  private readonly takesDir: string;
  private takes = new Map<string, Take>();
  private cueGate: ((cue: Cue, at: number | undefined) => void) | undefined;
  /** Every take saved so far, written or failed (and undone). */
  private takeWrites: Promise<unknown> = Promise.resolve();

  constructor(
    readonly perform: Perform,
    private readonly o: PerformServiceOptions,
  ) {
    const log = perform.log;
    this.cuesFile = new JsonFile(join(o.dir, 'cues.json'), cueListSchema, 'Cues', log, o.write);
    this.timelineFile = new JsonFile(join(o.dir, 'timeline.json'), timelineSchema, 'Timeline', log, o.write);
    const modulatorsPath = join(o.dir, 'modulators.json');
    this.modulatorsFile = new JsonFile(modulatorsPath, modulatorsFileSchema, 'Modulators', log, o.write);
    this.takesDir = join(o.dir, 'takes');
    perform.addTrigger('cue.go', 'go: next cue', () => void this.goCue('next'));
    perform.addTrigger('cue.previous', 'previous cue', () => void this.goCue('previous'));
  }

  private get events() {
    return this.perform.events;
  }

  /** Reads the saved cues, timeline, modulators and takes (missing: empty; damaged: set aside, said once). */
  async load(): Promise<void> {
    this.perform.cues.replace((await this.cuesFile.read())?.cues ?? []);
    const timeline = await this.timelineFile.read();
    if (timeline) this.perform.timeline.replace(timeline);
    const modulators = (await this.modulatorsFile.read())?.modulators ?? [];
    this.perform.modulators.replace(modulators);
    this.perform.defineModulatorParams({ add: modulators });
    let names: string[] = [];
    try {
      names = (await readdir(this.takesDir)).filter((n) => n.endsWith('.json'));
    } catch {
      // No takes yet.
    }
    for (const file of names) {
      const take = await new JsonFile(join(this.takesDir, file), takeSchema, 'Take', this.perform.log).read();
      if (take) this.takes.set(take.name, take);
    }
  }

  /** Saves what moved live (modulator depths and rates) and waits for every write (a failed one is logged). */
  async close(): Promise<void> {
    if (this.perform.modulators.all().length > 0) {
      await this.modulatorsFile.write({ version: 1, modulators: this.modulatorList() }, () => {}).catch(() => {});
    }
    await this.flush();
  }

  /** Resolves once every save so far is on disk. */
  async flush(): Promise<void> {
    const files = [this.cuesFile, this.timelineFile, this.modulatorsFile];
    await Promise.all([...files.map((f) => f.flush()), this.takeWrites]);
  }

  // ---- cues ----

  cueState(): CueState {
    return this.perform.cues.state();
  }

  /** Saves a cue; without values it takes the current values of every parameter (triggers and globals left out). */
  async putCue(cue: Omit<Cue, 'values'> & { values?: Cue['values'] }, index?: number): Promise<CueState> {
    const params = this.perform.params;
    const values = cue.values ?? this.currentValues();
    const errors: Record<string, string> = {};
    for (const path of Object.keys(values)) if (!params.spec(path)) errors[path] = `unknown parameter "${path}"`;
    if (Object.keys(errors).length > 0) {
      throw new ScopeError('invalid_parameters', `cue "${cue.name}" names unknown parameters`, errors);
    }
    const undo = cuesUndo(this.perform);
    this.perform.cues.put({ ...cue, values }, index);
    return this.cuesChanged(undo);
  }

  async deleteCue(name: string): Promise<CueState> {
    const undo = cuesUndo(this.perform);
    if (!this.perform.cues.remove(name)) throw new ScopeError('not_found', `no cue "${name}"`);
    return this.cuesChanged(undo);
  }

  async replaceCues(cues: Cue[]): Promise<CueState> {
    const undo = cuesUndo(this.perform);
    this.perform.cues.replace(cues);
    return this.cuesChanged(undo);
  }

  /** Goes to a cue by name or number, or `next` / `previous`; quantised by its own setting or the cue default. */
  goCue(which: string | number | 'next' | 'previous', quantize?: Quantize): { cue: string; beat?: number } {
    const cues = this.perform.cues;
    const index = which === 'next' ? cues.step(1) : which === 'previous' ? cues.step(-1) : cues.find(which);
    if (index === undefined) {
      throw new ScopeError('not_found', cues.all().length === 0 ? 'the cue list is empty' : `no cue ${String(which)}`);
    }
    const cue = cues.all()[index]!;
    const q = quantize ?? cue.quantize ?? this.perform.quantize.forSource('cue');
    if (this.cueGate) {
      const { tempo } = this.perform;
      const beat = q === 'off' ? undefined : nextBoundary(tempo.beatAt(), q, tempo.beatsPerBar);
      this.cueGate(cue, beat === undefined ? undefined : tempo.timeOfBeat(beat));
      return beat === undefined ? { cue: cue.name } : { cue: cue.name, beat };
    }
    const beat = this.perform.at(q, `cue ${cue.name}`, () => {
      cues.go(index, this.perform.now(), this.perform.params);
      this.events.emit('cues', cues.state());
    });
    return beat === undefined ? { cue: cue.name } : { cue: cue.name, beat };
  }

  /** Where a go is sent instead of run here (a show, whose every node runs it at time `at`, or at once). */
  setCueGate(gate: ((cue: Cue, at: number | undefined) => void) | undefined): void {
    this.cueGate = gate;
  }

  /** Runs a cue as sent (by a show) from time `t`; `land` puts it at its end values at once (catching up). */
  startCue(cue: Cue, t: number, land = false): void {
    const cues = this.perform.cues;
    cues.put(cue);
    cues.go(cues.find(cue.name)!, t, this.perform.params);
    if (land) this.perform.apply(cues.stepFade(Number.MAX_SAFE_INTEGER, this.perform.params), 'cue');
    this.events.emit('cues', cues.state());
  }

  // ---- timeline ----

  async setTimeline(timeline: Timeline): Promise<Timeline> {
    const undo = timelineUndo(this.perform);
    this.perform.timeline.replace(timeline);
    await this.timelineFile.write(timeline, undo);
    this.events.emit('timeline', this.perform.timeline.state());
    return timeline;
  }

  playTimeline(play: boolean, quantize?: Quantize): number | undefined {
    const { timeline, tempo, now, params } = this.perform;
    if (!play) {
      timeline.stop();
      this.events.emit('timeline', timeline.state());
      return undefined;
    }
    if (timeline.get().entries.length === 0) throw new ScopeError('conflict', 'the timeline has no entries');
    return this.perform.at(quantize ?? this.perform.quantize.forSource('cue'), 'timeline play', () => {
      const t = now();
      timeline.play(t, tempo.beatAt(t), params);
      this.events.emit('timeline', timeline.state());
    });
  }

  // ---- modulators ----

  async putModulator(m: Modulator): Promise<Modulator[]> {
    const params = this.perform.params;
    if (params.spec(m.id) || (params.spec(`${m.id}.depth`) && !this.perform.modulators.get(m.id))) {
      throw new ScopeError('conflict', `"${m.id}" is already a parameter name; choose another id`);
    }
    const errors: Record<string, string> = {};
    for (const target of m.targets) {
      const spec = params.spec(target);
      // A target the active pipeline lacks is kept (it may come back with another pipeline); a non-number is not.
      if (spec && spec.kind !== 'number' && spec.kind !== 'int')
        errors[target] = `${target} is a ${spec.kind}, not a number`;
      if (params.isGlobal(target)) errors[target] = `${target} is a perform control; modulate pipeline parameters`;
    }
    if (Object.keys(errors).length > 0)
      throw new ScopeError('invalid_parameters', 'modulator targets rejected', errors);
    const undo = modulatorsUndo(this.perform);
    this.perform.modulators.put(m);
    this.perform.defineModulatorParams({ add: [m] });
    params.set(`${m.id}.depth`, m.depth, 'perform', { quantize: 'off' });
    params.set(`${m.id}.rate`, m.rate, 'perform', { quantize: 'off' });
    return this.modulatorsChanged(undo);
  }

  async deleteModulator(id: string): Promise<Modulator[]> {
    const undo = modulatorsUndo(this.perform);
    if (!this.perform.modulators.remove(id)) throw new ScopeError('not_found', `no modulator "${id}"`);
    this.perform.defineModulatorParams({ remove: [id] });
    return this.modulatorsChanged(undo);
  }

  /** The modulators with their live depth and rate (the parameters may have moved since they were saved). */
  modulatorList(): Modulator[] {
    return liveModulators(this.perform);
  }

  // ---- takes ----

  takesState(): TakesState {
    return {
      takes: [...this.takes.values()].map((t) => ({
        name: t.name,
        events: t.events.length,
        durationMs: t.durationMs,
        recordedAt: t.recordedAt,
      })),
      recording: this.perform.takeRecorder.recording,
      playing: this.perform.takePlayer.playing,
    };
  }

  getTake(name: string): Take {
    const take = this.takes.get(name);
    if (!take) throw new ScopeError('not_found', `no take "${name}"`);
    return take;
  }

  startTake(name?: string): TakesState {
    const t = this.perform.now();
    const taken =
      name ?? `take ${this.o.wallClock().toISOString().slice(0, 19).replace('T', ' ').replaceAll(':', '-')}`;
    this.perform.takeRecorder.start(taken, t, this.perform.tempo.beatAt(t), this.currentValues());
    return this.takesChanged();
  }

  async stopTake(): Promise<TakesState> {
    const p = this.perform;
    const take = p.takeRecorder.stop(p.now(), p.tempo.bpm, this.o.activePipeline(), this.o.wallClock());
    if (!take) throw new ScopeError('conflict', 'no take is recording');
    await this.saveTake(take);
    return this.takesChanged();
  }

  /** Keeps a take and writes its file; when the write fails the take is not kept (save_failed, 507). */
  async saveTake(take: Take): Promise<void> {
    const before = this.takes.get(take.name);
    this.takes.set(take.name, take);
    const file = new JsonFile(this.takePath(take.name), takeSchema, 'Take', this.perform.log, this.o.write);
    const saved = file.write(take, () => {
      if (before) this.takes.set(take.name, before);
      else this.takes.delete(take.name);
      this.takesChanged();
    });
    this.takeWrites = Promise.all([this.takeWrites, saved.catch(() => {})]);
    await saved;
  }

  playTake(name: string, quantize?: Quantize): number | undefined {
    const take = this.getTake(name);
    return this.perform.at(quantize ?? 'off', `take ${name}`, () => {
      this.perform.apply(this.perform.takePlayer.play(take, this.perform.now()), 'take');
      this.takesChanged();
    });
  }

  stopPlayback(): TakesState {
    this.perform.takePlayer.stop();
    return this.takesChanged();
  }

  async deleteTake(name: string): Promise<TakesState> {
    if (!this.takes.has(name)) throw new ScopeError('not_found', `no take "${name}"`);
    // The file goes first: a take whose file could not be removed stays listed, as a restart would show it.
    await rm(this.takePath(name), { force: true }).catch((err: unknown) => {
      const failure = saveFailed('the takes', this.takePath(name), err);
      this.perform.log(failure.message);
      throw failure;
    });
    this.takes.delete(name);
    return this.takesChanged();
  }

  // ---- crossfade ----

  /**
   * Side A of the crossfader as a pipeline kept warm, mixed with the active one (B) at the fader's position each
   * frame, until null or the next pipeline load.
   */
  setCrossfadePipeline(id: string | null): CrossfadeState {
    const mix = this.perform.pipelineMix;
    const params = this.perform.params;
    const reason = mix.hold(id, () => Number(params.get('xfade') ?? 0));
    if (reason) throw new ScopeError('conflict', reason);
    const state = this.crossfadeState();
    this.events.emit('crossfade', state);
    return state;
  }

  /** The crossfader's sides and position. */
  crossfadeState(): CrossfadeState {
    const { a, b } = this.perform.crossfader;
    return { a, b, pipeline: this.perform.pipelineMix.held(), x: this.perform.params.get('xfade') ?? 0 };
  }

  setCrossfade(side: 'a' | 'b', preset: string | null): CrossfadeState {
    if (preset !== null && !this.perform.presetValues(preset)) {
      throw new ScopeError('not_found', `no preset "${preset}" for this pipeline`);
    }
    this.perform.crossfader[side] = preset;
    const x = this.perform.params.get('xfade');
    if (typeof x === 'number') this.perform.crossfade(x);
    const state = this.crossfadeState();
    this.events.emit('crossfade', state);
    return state;
  }

  private takePath(name: string): string {
    return join(this.takesDir, `${name}.json`);
  }

  private currentValues(): Record<string, string | number | boolean> {
    const params = this.perform.params;
    const out: Record<string, string | number | boolean> = {};
    for (const [path, value] of Object.entries(params.current())) {
      if (params.spec(path)?.kind !== 'trigger' && !params.isGlobal(path)) out[path] = value;
    }
    return out;
  }

  private async cuesChanged(undo: () => void): Promise<CueState> {
    await this.cuesFile.write({ version: 1, cues: this.perform.cues.all() }, undo);
    const state = this.perform.cues.state();
    this.events.emit('cues', state);
    return state;
  }

  private async modulatorsChanged(undo: () => void): Promise<Modulator[]> {
    const list = this.modulatorList();
    await this.modulatorsFile.write({ version: 1, modulators: list }, undo);
    this.events.emit('modulators', list);
    return list;
  }

  private takesChanged(): TakesState {
    const state = this.takesState();
    this.events.emit('takes', state);
    return state;
  }
}
