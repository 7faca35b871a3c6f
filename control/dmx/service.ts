/**
 * DMX in: Art-Net and sACN listeners (each on only when asked for), the universe merge, and the mappings that turn
 * channels into ParamStore writes. A desk sends 44 packets a second per universe; receiving only stores the levels,
 * and flush() — once per rendered frame — writes only the mapped channels whose level changed. Learn works as MIDI
 * learn does; the mappings and their file, rolled back on a failed save, are a SettingsBook (src/settings-book.ts)
 * as the MIDI mappings are.
 */
import { join } from 'node:path';
import { ArtnetListener } from './artnet-listener';
import { SacnListener } from './sacn-listener';
import { DmxInput } from './dmx-input';
import { DmxLearnSession } from './learn';
import { DmxMappingBook, completeMappings, mappableSpec, sharesChannel, universeKey } from './mapping-book';
import { levelOf, valueOf } from './dmx-mapping';
import { DMX_MAPPINGS_FILE, loadDmxMappings, toDocument } from './mappings-file';
import { offStatus } from './udp-listener';
import { ScopeError } from '../../src/kernel/errors';
import { arriving } from '../../src/engine/arrival';
import { configDir, writeFileAtomic } from '../../src/files';
import { realTimers } from '../../src/kernel/timers';
import { SettingsBook } from '../../src/settings-book';
import type { MergeMode } from './universe-merge';
import type { LearnedChannel } from './learn';
import type { Timers } from '../../src/kernel/timers';
import type { WriteFile } from '../../src/settings-writer';
import type { ScopeServices } from '../../src/kernel/services';
import type { DmxLearning, DmxMapping, DmxStatus, NewDmxMapping } from '../../src/shared/dmx';

export interface DmxInOptions {
  /** Where to listen for Art-Net (`--artnet`); null = off. */
  artnet: { host: string; port: number } | null;
  /** Where to listen for sACN (`--sacn`); null = off. */
  sacn: { host: string; port: number } | null;
  merge: MergeMode;
  mappingsFile: string;
  write: WriteFile;
  /** Learn timeouts and the merge's source timeout run on these; ManualTimers in tests. */
  timers: Timers;
  learnTimeoutMs: number;
  /** In LAN mode, the senders heard (src/main.ts passes the `--osc-allow` list); undefined = everyone. */
  allow: ((address: string) => boolean) | undefined;
  /** The engine's clock: a packet's arrival is stamped on it, for the latency figures; `timers` by default. */
  stamp?: () => number;
}

export const dmxInDefaults = (): DmxInOptions => ({
  artnet: null,
  sacn: null,
  merge: 'ltp',
  mappingsFile: join(configDir(), DMX_MAPPINGS_FILE),
  write: writeFileAtomic,
  timers: realTimers,
  learnTimeoutMs: 30_000,
  allow: undefined,
});

export type DmxDeps = Pick<ScopeServices, 'params' | 'log'> & Partial<Pick<ScopeServices, 'events'>>;

export class DmxService {
  private readonly o: DmxInOptions;
  private readonly book = new DmxMappingBook();
  readonly input: DmxInput;
  private readonly artnet: ArtnetListener | undefined;
  private readonly sacn: SacnListener | undefined;
  private readonly learner: DmxLearnSession;
  private readonly store: SettingsBook<DmxMapping, DmxMappingBook>;
  /** The level each mapping last wrote from, so an unchanged channel writes nothing. */
  private readonly levels = new Map<string, number>();
  private applied = 0;

  constructor(
    private readonly deps: DmxDeps,
    options: Partial<DmxInOptions> = {},
  ) {
    this.o = { ...dmxInDefaults(), ...options } satisfies DmxInOptions;
    this.input = new DmxInput({
      mode: this.o.merge,
      now: () => this.o.timers.now(),
      ...(this.o.stamp ? { stamp: this.o.stamp } : {}),
      // While learning every universe counts: the channel to learn may be on one no mapping reads yet.
      wanted: (key) => this.learner.current() !== null || this.book.on(key).length > 0,
    });
    const log = deps.log;
    const allow = this.o.allow;
    if (this.o.artnet) {
      const universes = () => this.book.universes('artnet');
      const now = () => this.o.timers.now();
      this.artnet = new ArtnetListener({ ...this.o.artnet, log, universes, allow, now }, this.input);
    }
    if (this.o.sacn) this.sacn = new SacnListener({ ...this.o.sacn, log, allow }, this.input);
    this.learner = new DmxLearnSession({ timers: this.o.timers, timeoutMs: this.o.learnTimeoutMs }, (param) => {
      log(`DMX learn for "${param}" timed out: no channel moved.`);
      this.input.prune();
      this.changed();
    });
    this.store = new SettingsBook({
      book: this.book,
      path: this.o.mappingsFile,
      what: 'the DMX mappings',
      log,
      write: this.o.write,
      read: loadDmxMappings,
      document: toDocument,
      undone: () => {
        this.levels.clear();
        void this.sacn?.follow(this.book.universes('sacn'));
      },
      changed: () => this.changed(),
    });
  }

  /** Loads the mappings and opens the listeners asked for; resolves either way (a taken port switches one off). */
  async start(): Promise<void> {
    await this.store.load();
    await this.artnet?.udp.start();
    await this.sacn?.udp.start();
    await this.sacn?.follow(this.book.universes('sacn'));
    this.changed();
  }

  async stop(): Promise<void> {
    this.learner.cancel();
    await this.artnet?.udp.stop();
    await this.sacn?.stop();
    await this.store.saved();
  }

  status(): DmxStatus {
    return {
      artnet: this.artnet?.udp.status() ?? offStatus('127.0.0.1', '--artnet'),
      sacn: this.sacn?.udp.status() ?? offStatus('127.0.0.1', '--sacn'),
      merge: this.o.merge,
      learning: this.learner.current(),
      mappings: this.book.all(),
      applied: this.applied,
      ...(this.store.saveError !== undefined ? { saveError: this.store.saveError } : {}),
    };
  }

  /**
   * Applies what arrived since the last call: the engine calls it once per frame. Only universes that changed are
   * looked at, and only mappings whose level changed write to the store.
   */
  flush(): void {
    const since = this.input.pendingSince;
    if (since === undefined) return;
    // The writes are stamped with the oldest packet's arrival: the wait for this frame is part of the latency.
    arriving({ surface: 'dmx', at: since }, () => this.applyTaken(this.input.take()));
  }

  private applyTaken(taken: ReturnType<DmxInput['take']>): void {
    for (const u of taken) {
      if (this.learner.current()) {
        const done = this.learner.feed(u.protocol, u.universe, u.levels);
        if (done) this.learned(done.param, done.learned);
        continue;
      }
      for (const m of this.book.on(u.key)) this.apply(m, u.levels);
    }
  }

  mappings(): DmxMapping[] {
    return this.book.all();
  }

  /** Replaces every mapping, all or nothing; mappings of parameters not loaded now are kept, inactive. */
  async replaceMappings(list: NewDmxMapping[]): Promise<DmxMapping[]> {
    const next = completeMappings(list, (p) => this.deps.params.spec(p));
    await this.commit(next);
    return this.book.all();
  }

  /** Adds one mapping; its parameter must exist now. */
  async addMapping(body: NewDmxMapping): Promise<DmxMapping> {
    mappableSpec(body.param, this.deps.params.spec(body.param), Object.keys(this.deps.params.all()));
    const next = completeMappings([body], (p) => this.deps.params.spec(p), this.book.all());
    await this.commit(next);
    return next.at(-1)!;
  }

  async removeMapping(id: string): Promise<void> {
    if (!this.book.all().some((m) => m.id === id)) {
      throw new ScopeError('not_found', `no DMX mapping with id "${id}"`);
    }
    await this.commit(this.book.all().filter((m) => m.id !== id));
  }

  /** Arms learn for `param`: the next channel that moves (on a listening protocol) drives it. */
  learn(param: string, bits: 8 | 16 = 8, timeoutMs?: number): DmxLearning {
    mappableSpec(param, this.deps.params.spec(param), Object.keys(this.deps.params.all()));
    if (!this.artnet?.udp.status().enabled && !this.sacn?.udp.status().enabled) {
      throw new ScopeError('unavailable', 'DMX learn needs a listener: start with --artnet or --sacn.');
    }
    this.learner.arm(param, bits, timeoutMs);
    this.deps.log(`DMX learn: move a channel to map it to "${param}".`);
    this.changed();
    return this.learner.current();
  }

  cancelLearn(): boolean {
    const was = this.learner.cancel();
    this.input.prune();
    if (was) this.changed();
    return was;
  }

  /** Resolves once the mappings file has every change made so far. */
  async saved(): Promise<void> {
    await this.store.saved();
  }

  private apply(m: DmxMapping, levels: Uint8Array): void {
    const level = levelOf(m, levels);
    const previous = this.levels.get(m.id);
    if (level === previous) return;
    this.levels.set(m.id, level);
    const spec = this.deps.params.spec(m.param);
    if (!spec) return; // a mapping of a parameter not loaded now is kept and does nothing
    const value = valueOf(m, spec, level, previous);
    if (value === undefined) return;
    const result = this.deps.params.set(m.param, value, `dmx:${m.protocol}`);
    if (result.ok) this.applied++;
  }

  private learned(param: string, l: LearnedChannel): void {
    const same = (m: DmxMapping) => universeKey(m) === universeKey(l) && sharesChannel(m, l);
    const kept = this.book.all().filter((m) => !same(m));
    const next = completeMappings([{ param, ...l }], (p) => this.deps.params.spec(p), kept);
    const where = `${l.protocol} universe ${l.universe} channel ${l.channel}${l.fine === null ? '' : `/${l.fine}`}`;
    this.deps.log(`DMX learn: ${where} now drives "${param}".`);
    // No request waits for learn: a failed save is said in the log and the status, and the mapping is undone.
    this.commit(next).catch(() => {});
  }

  /** Makes `next` the mappings and writes the file; a failed write puts the old list back (507 to the caller). */
  private async commit(next: DmxMapping[]): Promise<void> {
    await this.store.change((book) => {
      book.replace(next);
      this.levels.clear();
      this.input.prune();
      void this.sacn?.follow(book.universes('sacn'));
    });
  }

  private changed(): void {
    this.deps.events?.emit('dmx', this.status());
  }
}
