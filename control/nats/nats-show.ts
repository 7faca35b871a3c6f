/**
 * A show over NATS: its state in a JetStream KV bucket (the newest change per key, kept by the server, on disk),
 * every change delivered to every node by watching that bucket, and the server's clock as the show's clock.
 */
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { z } from 'zod';
import { ShowClock } from '../../src/show/show-clock';
import { showChangeSchema } from '../../src/show/change';
import { bestSample, sampleServerClock } from './show-clock-sampler';
import { SHOW_FPS, metaSchema, showMeta } from './show-meta';
import { natsConnectOptions, redactUrl, scrub } from './nats-auth';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import type { ClockSample } from './show-clock-sampler';
import type { ShowMeta } from './show-meta';
import type { ShowChange, ShowTransport } from '../../src/show/change';

export type { ShowMeta };
export { SHOW_FPS };

export const showNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a show name is 1-64 of A-Z a-z 0-9 _ -');

export interface NatsShowOptions {
  /** `nats://host:port` (several separated by commas), with `user:pass@` or `token@` when the server asks. */
  url: string;
  /** A credentials file or NKey seed file (`--nats-creds`). */
  creds: string | undefined;
  /** The CA of the server's TLS certificate (`--nats-ca`). */
  ca: string | undefined;
  show: string;
  /** This node's name in the show; host name and process id by default. */
  node: string;
  /** The frame rate of a show this node starts; a show that exists keeps its own. */
  fps: number;
  log: (message: string) => void;
  /** How long joining may wait for the server. */
  connectTimeoutMs: number;
  /** How often the clock offset is read again. */
  resampleMs: number;
}

const defaults: Omit<NatsShowOptions, 'url' | 'show'> = {
  node: `${hostname().replace(/[^\w-]/g, '-')}-${process.pid}`,
  fps: 30,
  creds: undefined,
  ca: undefined,
  log: () => {},
  connectTimeoutMs: 10_000,
  resampleMs: 10_000,
};

/** A key of the bucket for a change: kind and key, with anything KV keys cannot hold escaped. */
export const keyOf = (c: Pick<ShowChange, 'kind' | 'key'>) =>
  `${c.kind}.${c.key}`.replace(/[^-\w.]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}_`);

export class NatsShow implements ShowTransport {
  private outbox: { change: ShowChange; resolve: () => void; reject: (e: Error) => void }[] = [];
  private connected = true;
  private closed = false;
  private samples: ClockSample[] = [];
  private resample: NodeJS.Timeout | undefined;
  private watching: { stop(): void } | undefined;
  private seen = new Map<string, number>();
  private metaPutAt = -Infinity;

  private constructor(
    readonly o: NatsShowOptions,
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    private readonly clockKv: KV,
    readonly meta: ShowMeta,
    readonly clock: ShowClock,
  ) {}

  get node(): string {
    return this.o.node;
  }

  get online(): boolean {
    return this.connected && !this.closed;
  }

  /** Connects, reads the server's clock, and finds (or starts) the show. */
  static async join(options: Partial<NatsShowOptions> & Pick<NatsShowOptions, 'url' | 'show'>): Promise<NatsShow> {
    const o = { ...defaults, ...options } satisfies NatsShowOptions;
    const name = showNameSchema.parse(o.show);
    if (!(o.fps >= SHOW_FPS.min && o.fps <= SHOW_FPS.max)) {
      throw new Error(`a show runs at ${SHOW_FPS.min}-${SHOW_FPS.max} fps; this node was started at ${o.fps}`);
    }
    const where = redactUrl(o.url);
    const auth = await natsConnectOptions(o).catch((err: Error) => {
      throw new Error(`could not join the show at ${where}: ${scrub(err.message, o.url)}`);
    });
    const nc = await connect({
      ...auth,
      name: `daydream-scope ${o.node}`,
      timeout: o.connectTimeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    }).catch((err: Error) => {
      // Whatever the library wrote, no secret of the URL goes on.
      const why = scrub(err.message, o.url);
      const refused = /authoriz|authenticat/i.test(why)
        ? ' (the server refused these credentials: see --nats-creds, or user:pass@ / token@ in the URL)'
        : '';
      throw new Error(`could not reach the show's NATS server at ${where}: ${why}${refused}`);
    });
    try {
      const kvm = new Kvm(nc);
      const kv = await kvm.create(`scope-show-${name}`, { history: 1 });
      const clockKv = await kvm.create(`scope-clock-${name}`, { history: 1 });
      const samples: ClockSample[] = [];
      for (let i = 0; i < 5; i++) samples.push(await sampleServerClock(clockKv, `node.${o.node}`));
      const offset = bestSample(samples)!.offsetMs;
      const serverNow = () => performance.timeOrigin + performance.now() + offset;
      const meta = await showMeta(kv, { epoch: Math.round(serverNow()), fps: o.fps }, (m) =>
        o.log(`Show ${name}: ${m}`),
      );
      if (meta.fps !== o.fps) o.log(`Show ${name} runs at ${meta.fps} fps; this node follows it.`);
      const clock = new ShowClock(performance.timeOrigin + offset - meta.epoch);
      const show = new NatsShow(o, nc, kv, clockKv, meta, clock);
      show.samples = samples;
      show.follow();
      return show;
    } catch (err) {
      await nc.close().catch(() => undefined);
      const why = scrub((err as Error).message, o.url);
      if (!/permission/i.test(why)) throw err;
      throw new Error(
        `the NATS server at ${where} does not let this user use show ${name}'s buckets (docs/nats-shows.md): ${why}`,
        // A permission error names the subject it was refused, never a credential.
        { cause: err },
      );
    }
  }

  /**
   * The show's stored changes (for catching up), then every new one as it comes, in the server's order. Changes
   * that do not parse are logged and skipped.
   */
  async watch(onChange: (change: ShowChange) => void): Promise<ShowChange[]> {
    const last = (await this.kv.status()).streamInfo.state.last_seq;
    const stored: ShowChange[] = [];
    const keys = await this.kv.keys();
    for await (const key of keys) {
      const entry = await this.kv.get(key);
      const change = entry && this.parse(entry);
      if (change) stored.push(change);
    }
    const watcher = await this.kv.watch({ resumeFromRevision: last + 1 });
    this.watching = watcher;
    void (async () => {
      for await (const entry of watcher) {
        if (entry.key === 'meta') {
          this.guardMeta(entry);
          continue;
        }
        const change = this.parse(entry);
        if (change) onChange(change);
      }
    })();
    return stored;
  }

  async publish(change: ShowChange): Promise<void> {
    if (this.closed) throw new Error('this node left the show');
    if (!this.online) return new Promise((resolve, reject) => this.outbox.push({ change, resolve, reject }));
    await this.kv.put(keyOf(change), JSON.stringify(change)).catch((err: Error) => {
      // Lost on the way (the server went away meanwhile): it goes out again once the link is back.
      if (this.closed) throw err;
      return new Promise<void>((resolve, reject) => this.outbox.push({ change, resolve, reject }));
    });
  }

  /** Leaves the show: the node's clock entry is removed, what is queued is dropped, the connection drained. */
  async leave(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.resample);
    this.watching?.stop();
    await this.clockKv.delete(`node.${this.o.node}`).catch(() => undefined);
    this.closed = true;
    for (const { reject } of this.outbox.splice(0)) reject(new Error('this node left the show'));
    await this.nc.drain().catch(() => undefined);
  }

  /** Nodes in the show now (those that read the clock in the last minute). */
  async nodes(): Promise<string[]> {
    const out: string[] = [];
    for await (const key of await this.clockKv.keys('node.>')) {
      const e = await this.clockKv.get(key);
      if (e && e.operation === 'PUT' && Date.now() - e.created.getTime() < 60_000) out.push(key.slice(5));
    }
    return out.sort();
  }

  private parse(entry: { key: string; revision: number; operation: string; string(): string }): ShowChange | undefined {
    if (entry.operation !== 'PUT' || entry.key === 'meta') return undefined;
    // A change read on catching up and again from the watch is taken once.
    if ((this.seen.get(entry.key) ?? 0) >= entry.revision) return undefined;
    this.seen.set(entry.key, entry.revision);
    try {
      const parsed = showChangeSchema.safeParse(JSON.parse(entry.string()));
      // Stored under another key it would shadow that key's newest value: not a change this show wrote.
      if (parsed.success && keyOf(parsed.data) === entry.key) return parsed.data;
      this.o.log(`Show: ignored a malformed change under ${entry.key}`);
    } catch {
      this.o.log(`Show: ignored a change under ${entry.key} that is not JSON`);
    }
    return undefined;
  }

  /**
   * The show's meta entry changed while this node runs: garbage, a frame rate out of range or a delete is put back,
   * so a node that joins next runs on the same clock and rate as this one. A valid meta of another show time is put
   * back only by nodes whose show began earlier, so two nodes that disagree never overwrite each other in turn;
   * and at most once a second.
   */
  private guardMeta(entry: { operation: string; string(): string }): void {
    if (this.closed || Date.now() - this.metaPutAt < 1000) return;
    let stored: ShowMeta | undefined;
    try {
      const parsed = metaSchema.safeParse(JSON.parse(entry.string()));
      if (entry.operation === 'PUT' && parsed.success) stored = parsed.data;
    } catch {
      // Not JSON: put back below.
    }
    if (stored && stored.epoch === this.meta.epoch && stored.fps === this.meta.fps) return;
    if (stored && stored.epoch < this.meta.epoch) return;
    this.metaPutAt = Date.now();
    this.o.log(`Show ${this.o.show}: its stored meta was changed to something else; put back (${this.meta.fps} fps).`);
    this.kv.put('meta', JSON.stringify(this.meta)).catch(() => undefined);
  }

  /** Connection status, the outbox, and the clock read again now and then. */
  private follow(): void {
    void (async () => {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect') {
          if (this.connected) this.o.log(`Show ${this.o.show}: lost the NATS server; changes made here apply here.`);
          this.connected = false;
        } else if (s.type === 'reconnect') {
          this.connected = true;
          this.o.log(`Show ${this.o.show}: back on the NATS server; sending ${this.outbox.length} queued changes.`);
          void this.flush();
        }
      }
    })();
    this.resample = setInterval(() => void this.readClock(), this.o.resampleMs).unref();
  }

  private async flush(): Promise<void> {
    while (this.online && this.outbox.length > 0) {
      const next = this.outbox[0]!;
      try {
        await this.kv.put(keyOf(next.change), JSON.stringify(next.change));
        this.outbox.shift();
        next.resolve();
      } catch {
        // Still not back for JetStream: the next reconnect flushes again.
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private async readClock(): Promise<void> {
    if (!this.online) return;
    try {
      this.samples = [...this.samples.slice(-5), await sampleServerClock(this.clockKv, `node.${this.o.node}`)];
      const best = bestSample(this.samples)!;
      this.clock.setBase(performance.timeOrigin + best.offsetMs - this.meta.epoch);
    } catch {
      // The next reading will do.
    }
  }
}
