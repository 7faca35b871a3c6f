/**
 * MIDI control: opens the controllers, turns their messages into ParamStore writes through the mappings, learns new
 * mappings, sends feedback to LEDs and motor faders, and keeps the mappings on disk. When MIDI cannot work on this
 * machine it says why once, in the log and in its status, and the server goes on without it. This file wires the
 * parts and answers for them: ports.ts (hot-plug), input-router.ts (what comes in goes where), mapping-runner.ts
 * (events into the store), learn-session.ts, feedback-sender.ts, clock-link.ts (MIDI clock in and out); the
 * mappings and their file are a SettingsBook (src/settings-book.ts).
 */
import { describeControl } from './learn';
import { LearnSession } from './learn-session';
import { MappingBook, defaultNoteMode, mappableSpec } from './mapping-book';
import { MappingRunner } from './mapping-runner';
import { loadMappings, toDocument } from './mappings-file';
import { FeedbackSender } from './feedback-sender';
import { midiDefaults } from './options';
import { midiCommands } from './commands';
import { MidiPorts } from './ports';
import { MidiClockLink } from './clock-link';
import { MidiInputRouter } from './input-router';
import { ScopeError } from '../../src/kernel/errors';
import { SettingsBook } from '../../src/settings-book';
import { every } from '../../src/kernel/timers';
import { RateLimitedLog } from '../osc/rate-limited-log';
import type { MidiBytes } from './backend';
import type { Learned } from './learn';
import type { MidiDeps, MidiOptions } from './options';
import type { PortChoice } from './ports';
import type { MappingPatch, MidiMapping, MidiStatus, NewMapping, NoteMode } from '../../src/shared/midi';

export { midiDefaults } from './options';
export type { MidiDeps, MidiOptions } from './options';

type SendKind = 'system' | 'clock' | 'feedback';

export class MidiService {
  private readonly o: MidiOptions;
  private readonly store: SettingsBook<MidiMapping, MappingBook>;
  private readonly runner: MappingRunner;
  private readonly input: MidiInputRouter;
  private readonly limited: RateLimitedLog<string>;
  private readonly feedback: FeedbackSender;
  private readonly learner: LearnSession;
  private readonly clock: MidiClockLink;
  private ports: MidiPorts | undefined;
  private available = false;
  private reason: string | undefined = 'MIDI is not started.';
  private errors = 0;
  private started = false;
  private cancelRescan: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private removeCommands: () => void = () => {};

  constructor(
    private readonly deps: MidiDeps,
    options: Partial<MidiOptions> = {},
  ) {
    this.o = { ...midiDefaults(), ...options } satisfies MidiOptions;
    this.limited = new RateLimitedLog(deps.log, this.o.logIntervalMs, () => this.o.timers.now());
    this.store = new SettingsBook({
      book: new MappingBook(),
      path: this.o.mappingsFile,
      what: 'the MIDI mappings',
      log: deps.log,
      write: this.o.write,
      read: loadMappings,
      document: toDocument,
      undone: () => this.runner.clear(),
      changed: () => this.changed(),
    });
    const mappings = () => this.store.book.all();
    this.runner = new MappingRunner({
      params: deps.params,
      mappings,
      recallPreset: this.o.recallPreset,
      problem: (kind, message) => this.problem(kind, message),
    });
    this.feedback = new FeedbackSender({
      params: deps.params,
      mappings,
      devices: () => this.ports?.openOutputs().map((o) => o.device) ?? [],
      used: (id, device) => this.runner.used(id, device),
      send: (device, messages) => this.send((d) => d === device, messages, 'feedback'),
      intervalMs: this.o.feedbackIntervalMs,
      timers: this.o.timers,
    });
    this.learner = new LearnSession(
      { timeoutMs: this.o.learnTimeoutMs, pairWaitMs: this.o.pairWaitMs, timers: this.o.timers },
      { learned: (param, l) => this.learned(param, l), expired: (param) => this.expired(param) },
    );
    this.clock = new MidiClockLink(this.o, (bytes, except) => this.sendChosen(this.o.clockOut, bytes, except, 'clock'));
    this.input = new MidiInputRouter({
      clock: (device, bytes) => this.clock.receive(device, bytes),
      learning: () => this.learner.current() !== null,
      learn: (device, event) => this.learner.feed(device, event),
      apply: (device, event) => this.runner.dispatch(device, event),
    });
  }

  /** Loads the mappings and opens the controllers; resolves either way, saying why when MIDI is unavailable. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.store.load();
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
      message: (device, bytes) => this.input.receive(device, bytes),
      problem: (message) => {
        this.errors++;
        this.deps.log(message);
      },
    });
    // A replaced set (a pipeline loaded) sends every mapped value, so LEDs and motor faders show the new values.
    this.unsubscribe = this.deps.params.onChange((e) =>
      e.kind === 'value' ? this.feedback.changed(e) : this.refreshFeedback(),
    );
    this.removeCommands = midiCommands(this, this.deps.commands);
    this.rescan();
    this.clock.start();
    // Every rescanMs on its timers (wall time), until stop().
    if (this.o.rescanMs > 0) this.cancelRescan = every(this.o.timers, this.o.rescanMs, () => this.rescan());
    this.changed();
  }

  /** Closes the ports, stops learning and waits for the last write of the mappings file. */
  async stop(): Promise<void> {
    this.cancelRescan?.();
    this.cancelRescan = undefined;
    this.clock.stop();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.removeCommands();
    this.learner.cancel();
    this.feedback.clear();
    this.ports?.closeAll();
    this.ports = undefined;
    this.input.reset();
    this.started = false;
    if (this.available) this.reason = 'MIDI is stopped.';
    this.available = false;
    await this.store.saved();
  }

  status(): MidiStatus {
    const ports = this.ports?.list() ?? { inputs: [], outputs: [] };
    const saveError = this.store.saveError;
    return {
      available: this.available,
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      ...ports,
      learning: this.learner.current(),
      mappings: this.store.book.all(),
      received: this.input.received,
      errors: this.errors + this.store.failures,
      ...(saveError !== undefined ? { saveError } : {}),
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
    this.feedback.refresh();
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
    return this.store.book.all();
  }

  async addMapping(body: NewMapping): Promise<MidiMapping> {
    const spec = mappableSpec(body.param, this.deps.params.spec(body.param), Object.keys(this.deps.params.all()));
    return this.store.change((book) => book.add(body, spec));
  }

  async patchMapping(id: string, patch: MappingPatch): Promise<MidiMapping> {
    return this.store.change((book) => {
      const mapping = book.patch(id, patch);
      this.runner.forget(id);
      return mapping;
    });
  }

  async removeMapping(id: string): Promise<void> {
    await this.store.change((book) => {
      book.remove(id);
      this.runner.drop(id);
    });
  }

  /** Replaces every mapping (an import); mappings of parameters not loaded now are kept, inactive. */
  async replaceMappings(mappings: MidiMapping[]): Promise<MidiMapping[]> {
    await this.store.change((book) => {
      book.replace(mappings);
      this.runner.clear();
    });
    return this.store.book.all();
  }

  /** Sends the feedback waiting now instead of at the end of the interval. */
  flushFeedback(): void {
    this.feedback.flush();
  }

  /** Resolves once the mappings file has every change made so far. */
  async saved(): Promise<void> {
    await this.store.saved();
  }

  /** Sends the MIDI clock ticks due now to the clock outputs; the timer calls it, tests call it directly. */
  pumpClock(t: number = this.o.now()): void {
    this.clock.pump(t);
  }

  /** Hands every system message that comes in (MTC, SysEx, ...) to `listener` as well; returns its removal. */
  onSystem(listener: (device: string, bytes: MidiBytes) => void): () => void {
    return this.input.onSystem(listener);
  }

  /** Sends `bytes` to the open outputs that `choice` names (but `except`); the devices it reached. */
  sendTo(choice: PortChoice, bytes: MidiBytes, except?: string): string[] {
    return this.sendChosen(choice, bytes, except, 'system');
  }

  private sendChosen(choice: PortChoice, bytes: MidiBytes, except: string | undefined, kind: 'system' | 'clock') {
    const wanted = this.ports?.chosenOutputs(choice) ?? new Set<string>();
    return this.send((d) => wanted.has(d) && d !== except, [bytes], kind);
  }

  /** Sends to the open outputs `pick` takes; a device that fails counts as a problem of `kind` (rate-limited log). */
  private send(pick: (device: string) => boolean, messages: readonly MidiBytes[], kind: SendKind): string[] {
    // System messages are a caller's own bytes; clock and feedback are ours, and the sentence says which.
    const what = kind === 'system' ? '' : ` ${kind}`;
    const failed = (device: string, err: Error) =>
      this.problem(kind, `MIDI: could not send${what} to ${device}: ${err.message}`);
    return this.ports?.send(pick, messages, failed) ?? [];
  }

  private learned(param: string, l: Learned): void {
    const spec = this.deps.params.spec(param);
    const control = { param, device: l.device, channel: l.channel, control: l.control };
    const mapping = this.store.book.add(control, spec, { keep: false });
    // No request waits for learn: a failed save is said in the log and the status, and the mapping is undone.
    this.store
      .change((book) => {
        for (const old of book.bind(mapping)) this.runner.forget(old.id);
        this.deps.log(`MIDI learn: ${describeControl(l)} on ${l.device} now drives "${param}".`);
      })
      .catch(() => {});
  }

  private expired(param: string): void {
    this.deps.log(`MIDI learn for "${param}" timed out: no control moved.`);
    this.changed();
  }

  private problem(kind: string, message: string): void {
    this.errors++;
    this.limited.report(kind, message);
  }

  private changed(): void {
    this.deps.events.emit('midi', this.status());
  }
}
