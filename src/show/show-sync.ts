import type { FrameStage } from '../engine/frame-stage';
import type { PipelineHost } from '../engine/host';
import type { ParamSpecs, ParamValue, ParamValues } from '../params/spec';
import type { ParamSource, ParamStore } from '../params/store';
import { z } from 'zod';
import { SEND_AHEAD_MS, refusal, slotOf } from './admission';
import type { ShowChange, ShowKind, ShowTransport } from './change';

export interface ShowSyncOptions {
  /** This node's name in the show (unique). */
  node: string;
  /** The show clock's now() (ms). */
  now: () => number;
  /** How far ahead of now a change is stamped, so it reaches every node before its frame. */
  leadMs: number;
  /** One frame of the loop (ms): a change applied more than a frame after its time is counted late. */
  frameMs: number;
  params: ParamStore;
  host: PipelineHost;
  log: (message: string) => void;
  /**
   * Writes from these sources are this node's own consequences of the show (fades, modulators, replays, the show
   * applying a change) and are never sent: every node computes them alike.
   */
  localSources: string[];
  /** Runs `fn` in `ms` (a go far ahead waits on its node); returns a cancel. */
  after: (ms: number, fn: () => void) => () => void;
}

const defaults: Omit<ShowSyncOptions, 'node' | 'params' | 'host'> = {
  now: () => 0,
  leadMs: 80,
  frameMs: 1000 / 30,
  log: () => {},
  localSources: ['engine', 'cue', 'timeline', 'take', 'modulator', 'show'],
  after: (ms, fn) => {
    const t = setTimeout(fn, ms).unref();
    return () => clearTimeout(t);
  },
};

const pipelineValueSchema = z.object({
  id: z.string().min(1).max(200),
  values: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Every node of a show applies every change on the same frame. A change made on any node (a panel slider, an OSC
 * message, a preset, a pipeline load) is stamped with a show time a little ahead, sent to all nodes through the
 * transport, and applied by each one at the frame boundary of that time (the engine calls prepare() there).
 * A node joining late, or restarted, first catches up with the show's stored state.
 */
export class ShowSync implements FrameStage {
  private readonly o: ShowSyncOptions;
  private readonly kinds = new Map<string, ShowKind>();
  /** Changes waiting for their frame, in the order they are applied: by time, then as they came. */
  private queue: ShowChange[] = [];
  /** Changes of this node that were applied here already (sent while offline): skipped when they come back. */
  private readonly appliedHere = new Set<string>();
  private transport: ShowTransport | undefined;
  private counter = 0;
  /** True while this sync applies a change: its own writes pass the gates. */
  private applying = false;
  private pipelineChange: { id: string; at: number } | undefined;
  private loads = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  /** The change applied last per kind and key: one stamped behind it is refused. */
  private readonly last = new Map<string, ShowChange>();
  /** Changes due too far ahead to send yet (a go many bars away): cancels of their timers. */
  private readonly held = new Set<() => void>();
  readonly stats = { sent: 0, applied: 0, late: 0, maxLateMs: 0, stale: 0, refused: 0 };

  constructor(options: Partial<ShowSyncOptions> & Pick<ShowSyncOptions, 'node' | 'params' | 'host'>) {
    this.o = { ...defaults, ...options } satisfies ShowSyncOptions;
    this.register({ name: 'param', apply: (c, catchUp) => this.applyParam(c, catchUp) });
    this.register({ name: 'pipeline', apply: (c) => this.applyPipeline(c), check: (c) => this.checkPipeline(c) });
  }

  /** Adds a kind of change (tempo, cues of another part); its changes are then sent and applied like these. */
  register(kind: ShowKind): void {
    this.kinds.set(kind.name, kind);
  }

  /** Takes over writes and loads from now on: they go through `transport` to every node. */
  attach(transport: ShowTransport): void {
    this.transport = transport;
    this.o.params.setShowGate((values, source) => this.gateParams(values, source));
    this.o.host.setLoadGate((id, values) => this.gateLoad(id, values));
  }

  detach(): void {
    this.o.params.setShowGate(undefined);
    this.o.host.setLoadGate(undefined);
    this.transport = undefined;
    for (const cancel of this.held) cancel();
    this.held.clear();
    for (const { resolve } of this.loads.values()) resolve();
    this.loads.clear();
  }

  /** When the active pipeline was loaded on the show's clock (the engine counts its time and frames from it). */
  pipelineStart(): number | undefined {
    return this.pipelineChange?.at;
  }

  /**
   * Applies the show's stored state at once (on joining, late or after a restart): the newest change per key, each
   * checked like any change that arrives (one stamped too far ahead, or of an unknown pipeline, is refused and
   * logged); the pipeline with its values first, then everything else in time order. Resolves when the pipeline is
   * loaded here, with whether the show had one this node could load.
   */
  async catchUp(stored: ShowChange[]): Promise<boolean> {
    const newest = new Map<string, ShowChange>();
    for (const c of stored) {
      const prev = newest.get(slotOf(c));
      if (this.admit(c) && (!prev || prev.at <= c.at)) newest.set(slotOf(c), c);
    }
    const admitted = [...newest.values()];
    const pipeline = admitted.find((c) => c.kind === 'pipeline' && c.key === 'active');
    const rest = admitted.filter((c) => c !== pipeline).sort((a, b) => a.at - b.at);
    let loaded = Promise.resolve();
    if (pipeline) {
      // Its parameters go in with the load, so load-time ones are in place before it starts.
      const values: Record<string, unknown> = { ...(pipeline.value as { values?: Record<string, unknown> }).values };
      for (const c of rest) if (c.kind === 'param' && c.pipeline === pipeline.id) values[c.key] = c.value;
      const load = this.startPipeline({ ...pipeline, value: { ...(pipeline.value as object), values } });
      // The rest goes into its parameter set, defined once its preflight passed.
      await load.started;
      loaded = load.done;
    }
    for (const change of rest) this.applyNow(change, true);
    await loaded;
    return pipeline !== undefined;
  }

  /** A change from the transport (any node's, this one's included): queued for its frame. */
  receive(change: ShowChange): void {
    if (this.appliedHere.delete(change.id) || !this.admit(change)) return;
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.at > change.at) i--;
    this.queue.splice(i, 0, change);
  }

  /** The frame boundary: every change due by this frame is applied, in order. */
  prepare(due: number): void {
    while (this.queue.length > 0 && this.queue[0]!.at <= due) {
      const change = this.queue.shift()!;
      // Another change to its key may have landed since it was queued (on catching up).
      if (!this.admit(change)) continue;
      // A change that arrived after its frame had started lands on this one: late, counted.
      const late = due - change.at;
      if (late > this.o.frameMs + 1) {
        this.stats.late++;
        this.stats.maxLateMs = Math.max(this.stats.maxLateMs, late);
      }
      this.applyNow(change, false);
    }
  }

  modulate(snapshot: ParamValues<ParamSpecs>): ParamValues<ParamSpecs> {
    return snapshot;
  }

  /** Sends a change of any registered kind to the show; it lands on every node `leadMs` from now. */
  submit(kind: string, key: string, value: unknown, source: ParamSource, extra: Partial<ShowChange> = {}): ShowChange {
    const change: ShowChange = {
      id: `${this.o.node}:${Date.now().toString(36)}.${++this.counter}`,
      kind,
      key,
      value,
      origin: this.o.node,
      source,
      ...extra,
      // Never sooner than every node can have it; later when asked (a cue on its beat).
      at: Math.max(extra.at ?? -Infinity, this.o.now() + this.o.leadMs),
    };
    if (!this.transport) {
      this.applyNow(change, false);
      return change;
    }
    const wait = change.at - this.o.now() - SEND_AHEAD_MS;
    if (wait <= 0) this.send(change);
    else {
      const cancel = this.o.after(wait, () => {
        this.held.delete(cancel);
        this.send(change);
      });
      this.held.add(cancel);
    }
    return change;
  }

  private send(change: ShowChange): void {
    const { kind } = change;
    const transport = this.transport;
    if (!transport) return;
    // Out of reach of the show: this node goes on at once; the others get it when the link is back.
    if (!transport.online) {
      this.appliedHere.add(change.id);
      this.applyNow(change, false);
    }
    this.stats.sent++;
    transport.publish(change).catch((err: Error) => {
      this.o.log(`Show: a ${kind} change could not be sent (${err.message}); applied here only.`);
      if (!this.appliedHere.has(change.id)) {
        this.appliedHere.add(change.id);
        this.applyNow(change, false);
      }
    });
  }

  /**
   * Whether a change from the transport or the stored state may be applied: refused (logged and counted) when
   * stamped too far ahead, behind the change applied last to its key, or not what its kind can apply. The same
   * change seen again (a repair of the stored state) is skipped without a word.
   */
  private admit(change: ShowChange): boolean {
    const last = this.last.get(slotOf(change));
    if (last?.id === change.id) return false;
    const why = refusal(change, this.o.now(), last) ?? this.kinds.get(change.kind)?.check?.(change);
    if (!why) return true;
    this.stats.refused++;
    this.o.log(
      `Show: refused a ${change.kind} change to ${JSON.stringify(change.key)} from ${JSON.stringify(change.origin)}: ${why}.`,
    );
    // The stored state may hold the refused one now: a node that applied a change to its key puts that back (the
    // same change, which the others skip), so nodes that join later catch up with what the running ones show.
    if (last && this.transport?.online) this.transport.publish(last).catch(() => undefined);
    return false;
  }

  /** Quantised writes reach this gate on their beat: the quantising gate runs first, on the node they came from. */
  private gateParams(values: Record<string, ParamValue>, source: ParamSource): boolean {
    if (this.applying || this.o.localSources.includes(source.split(':')[0]!)) return false;
    const extra: Partial<ShowChange> = { pipeline: this.pipelineChange?.id };
    for (const [key, value] of Object.entries(values)) this.submit('param', key, value, source, extra);
    return true;
  }

  private gateLoad(id: string, values: Record<string, unknown>): Promise<void> | undefined {
    if (this.applying) return undefined;
    const change = this.submit('pipeline', 'active', { id, values }, 'load');
    return this.loadDone(change.id).promise;
  }

  private loadDone(changeId: string) {
    let entry = this.loads.get(changeId);
    if (!entry) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      entry = { promise, resolve };
      this.loads.set(changeId, entry);
    }
    return entry;
  }

  private applyNow(change: ShowChange, catchUp: boolean): void {
    const kind = this.kinds.get(change.kind);
    if (!kind) return this.o.log(`Show: a change of unknown kind ${JSON.stringify(change.kind)} was ignored.`);
    this.last.set(slotOf(change), change);
    this.stats.applied++;
    this.applying = true;
    try {
      kind.apply(change, catchUp);
    } catch (err) {
      this.o.log(`Show: applying a ${change.kind} change failed: ${(err as Error).message}`);
    } finally {
      this.applying = false;
    }
  }

  private applyParam(change: ShowChange, catchUp: boolean): void {
    const { params } = this.o;
    const spec = params.spec(change.key);
    // A value of a pipeline this node has since replaced is dropped, as it was on the node that replaced it.
    if (!params.isGlobal(change.key) && change.pipeline !== this.pipelineChange?.id) {
      this.stats.stale++;
      return;
    }
    // A trigger pressed before this node joined is not pressed again.
    if (catchUp && spec?.kind === 'trigger') return;
    // Already on its beat where it came from: no node quantises it again.
    const result = params.setMany({ [change.key]: change.value }, change.source, { quantize: 'off' });
    if (!result.ok) this.o.log(`Show: ${change.key} from ${change.origin} was refused: ${result.errors[change.key]}`);
  }

  private checkPipeline(change: ShowChange): string | undefined {
    const parsed = pipelineValueSchema.safeParse(change.value);
    if (!parsed.success) return 'it is not a pipeline load ({ id, values })';
    try {
      this.o.host.checkLoad(parsed.data.id);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  private applyPipeline(change: ShowChange): Promise<void> {
    return this.startPipeline(change).done;
  }

  /** Loads the change's pipeline: `started` once its preflight passed or refused it, `done` once it ended. */
  private startPipeline(change: ShowChange): { started: Promise<unknown>; done: Promise<void> } {
    const { id, values } = change.value as { id: string; values?: Record<string, unknown> };
    this.pipelineChange = { id: change.id, at: change.at };
    const done = this.loadDone(change.id);
    this.applying = true;
    let request: Promise<{ done: Promise<void> }>;
    try {
      // Its own change: past the gate (the preflight reads files, so the gate is asked after `applying` ends).
      request = this.o.host.request(id, values ?? {}, { ungated: true });
    } catch (err) {
      request = Promise.reject(err as Error);
    } finally {
      this.applying = false;
    }
    const load = request.then((r) => r.done);
    void load
      .catch((err: Error) => this.o.log(`Show: loading ${id} failed: ${err.message}`))
      .finally(() => {
        done.resolve();
        this.loads.delete(change.id);
      });
    return { started: request.catch(() => {}), done: done.promise };
  }
}
