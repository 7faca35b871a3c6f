/**
 * MIDI control: opens the controllers, turns their messages into ParamStore writes through the mappings, learns new
 * mappings, sends feedback to LEDs and motor faders, and keeps the mappings on disk. When MIDI cannot work on this
 * machine it says why once, in the log and in its status, and the server goes on without it.
 */
import { MidiAssembler } from './assembler';
import { feedbackMessages } from './feedback';
import { FeedbackQueue } from './feedback-queue';
import { describeControl } from './learn';
import { LearnSession } from './learn-session';
import { MappingBook, defaultNoteMode, mappableSpec } from './mapping-book';
import { applyEvent, initialState, matches } from './mapping';
import { loadMappings, toDocument } from './mappings-file';
import { midiDefaults } from './options';
import { midiCommands } from './commands';
import { MidiPorts, choose } from './ports';
import { MidiClockFollower } from './clock-follower';
import { MidiClockOut, clockMessage } from './clock-out';
import { ScopeError } from '../../src/kernel/errors';
import { every } from '../../src/kernel/timers';
import { SettingsWriter, settingsText } from '../../src/settings-writer';
import { RateLimitedLog } from '../osc/rate-limited-log';
import type { MidiBytes } from './backend';
import type { ControlEvent } from './assembler';
import type { Learned } from './learn';
import type { MappingState } from './mapping';
import type { MidiDeps, MidiOptions } from './options';
import type { PortChoice } from './ports';
import type { ParamValue } from '../../src/params/spec';
import type { ParamChange } from '../../src/params/store';
import type { MappingPatch, MidiMapping, MidiStatus, NewMapping, NoteMode } from '../../src/shared/midi';

export { midiDefaults } from './options';
export type { MidiDeps, MidiOptions } from './options';

export class MidiService {
  private readonly o: MidiOptions;
  private readonly book = new MappingBook();
  private readonly assemblers = new Map<string, MidiAssembler>();
  /** Soft takeover and edge state per mapping and device. */
  private readonly states = new Map<string, MappingState & { channel: number }>();
  private readonly limited: RateLimitedLog<string>;
  private readonly feedback: FeedbackQueue;
  private readonly learner: LearnSession;
  private ports: MidiPorts | undefined;
  private available = false;
  private reason: string | undefined = 'MIDI is not started.';
  private received = 0;
  private errors = 0;
  private started = false;
  private cancelRescan: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly file: SettingsWriter;
  /** Every save so far, its undo or its report included. */
  private saving: Promise<void> = Promise.resolve();
  /** Why the last change of the mappings could not be saved (it was undone); cleared by the next save that works. */
  private saveError: string | undefined;
  private removeCommands: () => void = () => {};
  private follower: MidiClockFollower | undefined;
  private clockOut: MidiClockOut | undefined;
  private clockTimer: NodeJS.Timeout | undefined;
  /** The device MIDI clock comes from: clock out never echoes to it. */
  private clockFrom: string | undefined;
  private readonly systemListeners = new Set<(device: string, bytes: MidiBytes) => void>();

  constructor(
    private readonly deps: MidiDeps,
    options: Partial<MidiOptions> = {},
  ) {
    this.o = { ...midiDefaults(), ...options } satisfies MidiOptions;
    this.limited = new RateLimitedLog(deps.log, this.o.logIntervalMs, () => this.o.timers.now());
    this.feedback = new FeedbackQueue(
      (device, messages) => this.send(device, messages),
      this.o.feedbackIntervalMs,
      this.o.timers,
    );
    this.file = new SettingsWriter({
      path: this.o.mappingsFile,
      what: 'the MIDI mappings',
      log: deps.log,
      write: this.o.write,
    });
    this.learner = new LearnSession(
      { timeoutMs: this.o.learnTimeoutMs, pairWaitMs: this.o.pairWaitMs, timers: this.o.timers },
      { learned: (param, l) => this.learned(param, l), expired: (param) => this.expired(param) },
    );
  }

  /** Loads the mappings and opens the controllers; resolves either way, saying why when MIDI is unavailable. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.book.replace(await loadMappings(this.o.mappingsFile, this.deps.log));
    try {
      await this.o.backend.init();
    } catch (err) {
      this.reason = (err as Error).message;
      this.deps.log(this.reason.endsWith('.') ? this.reason : `${this.reason}.`);
      this.changed();
      return;
    }
    this.available = true;
    this.reason = undefined;
    this.ports = new MidiPorts(this.o.backend, this.o, {
      message: (device, bytes) => this.receive(device, bytes),
      problem: (message) => {
        this.errors++;
        this.deps.log(message);
      },
    });
    // A replaced set (a pipeline loaded) sends every mapped value, so LEDs and motor faders show the new values.
    this.unsubscribe = this.deps.params.onChange((e) =>
      e.kind === 'value' ? this.onParam(e) : this.refreshFeedback(),
    );
    this.removeCommands = midiCommands(this, this.deps.commands);
    this.rescan();
    this.startClockOut();
    // Every rescanMs on its timers (wall time), until stop().
    if (this.o.rescanMs > 0) this.cancelRescan = every(this.o.timers, this.o.rescanMs, () => this.rescan());
    this.changed();
  }

  /** Closes the ports, stops learning and waits for the last write of the mappings file. */
  async stop(): Promise<void> {
    this.cancelRescan?.();
    this.cancelRescan = undefined;
    clearTimeout(this.clockTimer);
    this.clockTimer = undefined;
    this.clockOut = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.removeCommands();
    this.learner.cancel();
    this.feedback.clear();
    this.ports?.closeAll();
    this.ports = undefined;
    this.assemblers.clear();
    this.started = false;
    if (this.available) this.reason = 'MIDI is stopped.';
    this.available = false;
    await this.saving;
  }

  status(): MidiStatus {
    const ports = this.ports?.list() ?? { inputs: [], outputs: [] };
    return {
      available: this.available,
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      ...ports,
      learning: this.learner.current(),
      mappings: this.book.all(),
      received: this.received,
      errors: this.errors,
      ...(this.saveError !== undefined ? { saveError: this.saveError } : {}),
    };
  }

  /** Looks for controllers plugged in or out; the timer calls it every `rescanMs`. */
  rescan(): void {
    if (!this.ports?.scan()) return;
    // A controller just plugged in shows the current values at once.
    this.refreshFeedback();
    this.changed();
  }

  /** Sends every mapped value to the controllers (at start, and when the parameter set was replaced). */
  refreshFeedback(): void {
    for (const m of this.book.all()) {
      const value = this.deps.params.get(m.param);
      if (value !== undefined) this.queueFeedback(m, value, undefined);
    }
  }

  /** Arms MIDI learn for `param`: the next control that moves binds to it. Throws for unknown parameters. */
  learn(param: string, options: { mode?: NoteMode; timeoutMs?: number } = {}): MidiStatus['learning'] {
    const spec = mappableSpec(param, this.deps.params.spec(param), Object.keys(this.deps.params.all()));
    if (!this.available) throw new ScopeError('unavailable', this.reason ?? 'MIDI is unavailable.');
    this.learner.arm(param, options.mode ?? defaultNoteMode(spec), options.timeoutMs);
    this.deps.log(`MIDI learn: move a control to map it to "${param}".`);
    this.changed();
    return this.learner.current();
  }

  /** Stops learning; true when something was armed. */
  cancelLearn(): boolean {
    const was = this.learner.cancel();
    if (was) this.changed();
    return was;
  }

  mappings(): MidiMapping[] {
    return this.book.all();
  }

  async addMapping(body: NewMapping): Promise<MidiMapping> {
    const spec = mappableSpec(body.param, this.deps.params.spec(body.param), Object.keys(this.deps.params.all()));
    const before = this.book.all();
    const mapping = this.book.add(body, spec);
    await this.mappingsChanged(before);
    return mapping;
  }

  async patchMapping(id: string, patch: MappingPatch): Promise<MidiMapping> {
    const before = this.book.all();
    const mapping = this.book.patch(id, patch);
    this.forget(id);
    await this.mappingsChanged(before);
    return mapping;
  }

  async removeMapping(id: string): Promise<void> {
    const before = this.book.all();
    this.book.remove(id);
    for (const key of this.states.keys()) if (key.startsWith(`${id}\u0000`)) this.states.delete(key);
    await this.mappingsChanged(before);
  }

  /** Replaces every mapping (an import); mappings of parameters not loaded now are kept, inactive. */
  async replaceMappings(mappings: MidiMapping[]): Promise<MidiMapping[]> {
    const before = this.book.all();
    this.book.replace(mappings);
    this.states.clear();
    await this.mappingsChanged(before);
    return this.book.all();
  }

  /** Sends the feedback waiting now instead of at the end of the interval. */
  flushFeedback(): void {
    this.feedback.flush();
  }

  /** Resolves once the mappings file has every change made so far. */
  async saved(): Promise<void> {
    await this.saving;
  }

  /** Sends the MIDI clock ticks due now to the clock outputs; the timer calls it, tests call it directly. */
  pumpClock(t: number = this.o.now()): void {
    this.clockOut?.pump(t);
  }

  /** Hands every system message that comes in (MTC, SysEx, ...) to `listener` as well; returns its removal. */
  onSystem(listener: (device: string, bytes: MidiBytes) => void): () => void {
    this.systemListeners.add(listener);
    return () => this.systemListeners.delete(listener);
  }

  /** Sends `bytes` to the open outputs that `choice` names (but `except`); the devices it reached. */
  sendTo(choice: PortChoice, bytes: MidiBytes, except?: string): string[] {
    const open = this.ports?.openOutputs() ?? [];
    const wanted = new Set(
      choose(
        open.map((o) => o.device),
        choice,
      ),
    );
    const reached: string[] = [];
    for (const out of open) {
      if (!wanted.has(out.device) || out.device === except) continue;
      try {
        out.port.send(bytes);
        reached.push(out.device);
      } catch (err) {
        this.problem('system', `MIDI: could not send to ${out.device}: ${(err as Error).message}`);
      }
    }
    return reached;
  }

  private startClockOut(): void {
    if (!this.o.tempo || this.o.clockOut.length === 0) return;
    const out = new MidiClockOut(this.o.tempo, (bytes) => this.sendClock(bytes));
    this.clockOut = out;
    if (this.o.rescanMs === 0) return;
    const loop = () => {
      if (this.clockOut !== out) return;
      out.pump(this.o.now());
      // Wake just before each tick, never sleeping longer than a few ms so bpm changes are picked up.
      this.clockTimer = setTimeout(loop, Math.max(1, Math.min(5, out.untilNext(this.o.now()) - 0.5)));
      this.clockTimer.unref();
    };
    loop();
  }

  private sendClock(bytes: MidiBytes): void {
    const open = this.ports?.openOutputs() ?? [];
    const wanted = new Set(
      choose(
        open.map((o) => o.device),
        this.o.clockOut,
      ),
    );
    for (const out of open) {
      if (!wanted.has(out.device) || out.device === this.clockFrom) continue;
      try {
        out.port.send(bytes);
      } catch (err) {
        this.problem('clock', `MIDI: could not send clock to ${out.device}: ${(err as Error).message}`);
      }
    }
  }

  private clockIn(device: string, bytes: MidiBytes): boolean {
    const message = clockMessage(bytes);
    if (!message) return false;
    if (!this.o.tempo) return true;
    this.follower ??= new MidiClockFollower(this.o.tempo);
    this.clockFrom = device;
    const t = this.o.now();
    if (message.kind === 'tick') this.follower.tick(t);
    else if (message.kind === 'position') this.follower.songPosition(message.sixteenths);
    else this.follower[message.kind]();
    return true;
  }

  private receive(device: string, bytes: MidiBytes): void {
    if ((bytes[0] ?? 0) >= 0xf0) for (const listener of this.systemListeners) listener(device, bytes);
    // Clock runs 48 times a second at 120 bpm: it moves the tempo, never counts as a control message.
    if (this.clockIn(device, bytes)) return;
    let assembler = this.assemblers.get(device);
    if (!assembler) this.assemblers.set(device, (assembler = new MidiAssembler()));
    const events = assembler.feed(bytes);
    if (events.length === 0) return;
    this.received++;
    // While learning, a message only teaches: it moves nothing, not even the control being learned.
    if (this.learner.current()) for (const event of events) this.learner.feed(device, event);
    else for (const event of events) this.dispatch(device, event);
  }

  private dispatch(device: string, event: ControlEvent): void {
    let claimed = false;
    for (const m of this.book.all()) {
      if (!matches(m, device, event)) continue;
      // A mapping whose parameter is not in the active pipeline is kept but does nothing.
      const spec = this.deps.params.spec(m.param);
      if (!spec) continue;
      claimed = true;
      const key = `${m.id}\u0000${device}`;
      const state = this.states.get(key) ?? { ...initialState(), channel: event.channel };
      const [outcome, next] = applyEvent(m, spec, event, this.deps.params.get(m.param), state);
      const kept = { ...next, channel: event.channel };
      if (outcome.kind === 'set') {
        const quantize = m.quantize === undefined ? {} : { quantize: m.quantize };
        const result = this.deps.params.set(m.param, outcome.value, `midi:${device}`, quantize);
        if (result.ok) kept.written = result.value;
        else this.problem('rejected', `MIDI: ${device} -> ${m.param}: ${result.reason}`);
      }
      this.states.set(key, kept);
    }
    if (event.kind === 'program' && !claimed && this.o.recallPreset) {
      try {
        this.o.recallPreset(event.program, device);
      } catch (err) {
        this.problem('preset', `MIDI: recalling preset ${event.program} failed: ${(err as Error).message}`);
      }
    }
  }

  private onParam(change: ParamChange): void {
    for (const m of this.book.all()) if (m.param === change.path) this.queueFeedback(m, change.value, change.source);
  }

  /** Queues `value` for every output that shows `m`, except the one of the device the change came from. */
  private queueFeedback(m: MidiMapping, value: ParamValue, source: string | undefined): void {
    const spec = this.deps.params.spec(m.param);
    if (!spec) return;
    for (const out of this.ports?.openOutputs() ?? []) {
      const used = this.states.get(`${m.id}\u0000${out.device}`);
      // An any-device mapping talks back only to controllers that have used it: CC 7 to a synth is its volume.
      if (m.device === null ? !used : m.device !== out.device) continue;
      // The controller that made the change already shows it; echoing would fight its own fader.
      if (source === `midi:${out.device}`) continue;
      const channel = m.channel ?? used?.channel ?? 1;
      this.feedback.put(out.device, m.id, feedbackMessages(m, spec, value, channel));
    }
  }

  private send(device: string, messages: MidiBytes[]): void {
    for (const out of this.ports?.openOutputs() ?? []) {
      if (out.device !== device) continue;
      try {
        for (const bytes of messages) out.port.send(bytes);
      } catch (err) {
        this.problem('feedback', `MIDI: could not send feedback to ${device}: ${(err as Error).message}`);
      }
    }
  }

  private learned(param: string, l: Learned): void {
    const spec = this.deps.params.spec(param);
    const mapping = this.book.add({ param, device: l.device, channel: l.channel, control: l.control }, spec, {
      keep: false,
    });
    const before = this.book.all();
    for (const old of this.book.bind(mapping)) this.forget(old.id);
    this.deps.log(`MIDI learn: ${describeControl(l)} on ${l.device} now drives "${param}".`);
    // No request waits for learn: a failed save is said in the log and the status, and the mapping is undone.
    this.persist(before).catch(() => {});
    this.changed();
  }

  private expired(param: string): void {
    this.deps.log(`MIDI learn for "${param}" timed out: no control moved.`);
    this.changed();
  }

  /** Starts a changed mapping's takeover afresh; which devices used it (and on what channel) is kept for feedback. */
  private forget(id: string): void {
    for (const [key, state] of this.states) {
      if (key.startsWith(`${id}\u0000`)) this.states.set(key, { ...initialState(), channel: state.channel });
    }
  }

  private async mappingsChanged(before: MidiMapping[]): Promise<void> {
    const saved = this.persist(before);
    this.changed();
    await saved;
  }

  /**
   * Writes the mappings file (writes never overlap). When the write fails the mappings go back to `before`, so
   * memory and file agree and a restart shows the same; the log and the status say why, and the caller gets
   * `save_failed` (507).
   */
  private persist(before: MidiMapping[]): Promise<void> {
    const saved = this.save(before);
    this.saving = Promise.all([this.saving, saved.catch(() => {})]).then(() => {});
    return saved;
  }

  private async save(before: MidiMapping[]): Promise<void> {
    const undo = () => {
      this.book.replace(before);
      this.states.clear();
    };
    try {
      await this.file.save(settingsText(toDocument(this.book.all())), undo);
    } catch (err) {
      this.errors++;
      this.saveError = (err as Error).message;
      this.changed();
      throw err;
    }
    if (this.saveError !== undefined) {
      this.saveError = undefined;
      this.changed();
    }
  }

  private problem(kind: string, message: string): void {
    this.errors++;
    this.limited.report(kind, message);
  }

  private changed(): void {
    this.deps.events.emit('midi', this.status());
  }
}
