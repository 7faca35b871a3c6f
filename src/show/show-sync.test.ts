import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { ManualClock } from '../engine/clock';
import { PipelineHost } from '../engine/host';
import { PipelineRegistry } from '../engine/registry';
import { solidPipeline, tickFrames } from '../engine/test-support';
import { ParamStore } from '../params/store';
import { OrtRuntime } from '../runtime/ort';
import { ShowSync } from './show-sync';
import { MAX_AHEAD_MS } from './admission';
import type { Frame } from '../engine/frame';
import type { ShowChange, ShowTransport } from './change';

const FRAME = 1000 / 30;

/** The show's server in memory: keeps the newest change per key, hands every change to every node in order. */
class TestBus {
  stored = new Map<string, ShowChange>();
  nodes: ShowSync[] = [];
  online = true;
  private held: { change: ShowChange; resolve: () => void }[] = [];

  transport(): ShowTransport {
    const online = () => this.online;
    return {
      get online() {
        return online();
      },
      publish: (change) =>
        new Promise<void>((resolve) => {
          if (!this.online) return void this.held.push({ change, resolve });
          this.deliver(change);
          resolve();
        }),
    };
  }

  reconnect(): void {
    this.online = true;
    for (const { change, resolve } of this.held.splice(0)) {
      this.deliver(change);
      resolve();
    }
  }

  private deliver(change: ShowChange): void {
    this.stored.set(`${change.kind}.${change.key}`, change);
    for (const n of this.nodes) n.receive(change);
  }
}

interface TestNode {
  name: string;
  params: ParamStore;
  host: PipelineHost;
  sync: ShowSync;
  engine: Engine;
  clock: ManualClock;
  frames: Frame[];
}

let nodes: TestNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.engine.stop()));
  nodes = [];
});

async function join(bus: TestBus, name: string, at = 0, frameMs?: number, log?: string[]): Promise<TestNode> {
  const clock = new ManualClock();
  clock.advance(at);
  const params = new ParamStore();
  const solid = solidPipeline();
  const host = new PipelineHost({
    registry: new PipelineRegistry([solid, solidPipeline('other')]),
    params,
    runtime: new OrtRuntime(),
    resolution: { width: 4, height: 2 },
    clock,
  });
  const sync = new ShowSync({
    node: name,
    now: () => clock.now(),
    leadMs: 100,
    params,
    host,
    after: (ms, fn) => clock.after(ms, fn),
    ...(frameMs && { frameMs }),
    ...(log && { log: (m: string) => log.push(m) }),
  });
  const engine = new Engine({
    clock,
    params,
    host,
    fps: 30,
    resolution: { width: 4, height: 2 },
    stage: sync,
    timeline: sync,
  });
  const node = { name, params, host, sync, engine, clock, frames: [] as Frame[] };
  engine.onFrame((f) => node.frames.push(f));
  bus.nodes.push(sync);
  const caughtUp = sync.catchUp([...bus.stored.values()]);
  sync.attach(bus.transport());
  await caughtUp;
  engine.start();
  nodes.push(node);
  return node;
}

/** Every node renders `n` more frames, in lockstep (their clocks move together). */
async function lockstep(group: TestNode[], n: number): Promise<void> {
  for (let i = 0; i < n; i++) for (const node of group) await tickFrames(node.engine, node.clock, 1);
  // Loads finish in microtasks; give them a turn before the next check.
  await new Promise((r) => setImmediate(r));
}

/** The grid index of the first frame whose red channel (the solid pipeline's `level`) is `level`. */
const firstWith = (node: TestNode, level: number) =>
  Math.round(node.frames.find((f) => f.data[0] === level)!.timestamp / FRAME);

describe('ShowSync: every node applies every change on the same frame', () => {
  it('a load and a parameter change made on one node land on the same frame everywhere, that node included', async () => {
    const bus = new TestBus();
    const [a, b, c] = [await join(bus, 'a'), await join(bus, 'b'), await join(bus, 'c')];
    void a.host.load('solid');
    await lockstep([a, b, c], 6);
    for (const n of [a, b, c]) expect(n.host.activeId).toBe('solid');

    const result = b.params.set('level', 99, 'osc');
    expect(result).toMatchObject({ ok: true, changed: false });
    // Not applied on b at once either: it waits for its frame, as on a and c.
    expect(b.params.get('level')).toBe(10);
    await lockstep([a, b, c], 8);
    const landed = [a, b, c].map((n) => firstWith(n, 99));
    expect(new Set(landed).size).toBe(1);
    // It landed on the first frame at or after the time it was stamped with (now + 100 ms).
    expect(landed[0]! * FRAME).toBeGreaterThanOrEqual(6 * FRAME + 100 - 1);
    // The pipeline's own frame index agrees as well (green channel): same picture on every screen.
    const greens = [a, b, c].map((n) => n.frames.find((f) => f.data[0] === 99)!.data[1]);
    expect(new Set(greens).size).toBe(1);
    expect(a.sync.stats.late).toBe(0);
  });

  it("counts a change as late when it lands more than one of the show's frames after its time", async () => {
    const bus = new TestBus();
    const [at30, at60] = [await join(bus, 'a'), await join(bus, 'b', 0, 1000 / 60)];
    // Handed to the show once its preflight passed (request resolves then; load only once the show applied it).
    await at30.host.request('solid');
    await lockstep([at30, at60], 3);
    // 20 ms after its time: within a frame at 30 fps, more than a frame at 60.
    const pipeline = bus.stored.get('pipeline.active')!.id;
    for (const n of [at30, at60]) {
      const due = n.clock.now();
      const change = { id: 'x:1', kind: 'param', key: 'level', value: 50, at: due - 20, origin: 'x', source: 'osc' };
      n.sync.receive({ ...change, pipeline });
      n.sync.prepare(due);
      expect(n.params.get('level')).toBe(50);
    }
    expect(at30.sync.stats.late).toBe(0);
    expect(at60.sync.stats).toMatchObject({ late: 1, maxLateMs: 20 });
  });

  it('a node that joins late (or restarts) takes the stored state: the pipeline, its values, the same frame count', async () => {
    const bus = new TestBus();
    const a = await join(bus, 'a');
    void a.host.load('other', { seed: 7 });
    await lockstep([a], 6);
    a.params.set('level', 42, 'http');
    await lockstep([a], 6);
    const late = await join(bus, 'late', a.clock.now());
    await lockstep([a, late], 3);
    expect(late.host.activeId).toBe('other');
    expect(late.params.get('level')).toBe(42);
    expect(late.params.get('seed')).toBe(7);
    // Its frames carry the same pipeline frame index as the first node's at the same show time.
    const sameTime = late.frames.at(-1)!;
    const index = (f: Frame) => Math.round(f.timestamp / FRAME);
    const there = a.frames.find((f) => index(f) === index(sameTime))!;
    expect(sameTime.data[1]).toBe(there.data[1]);
  });

  it('out of reach of the show, a change applies on its node at once and reaches the others when the link is back', async () => {
    const bus = new TestBus();
    const [a, b] = [await join(bus, 'a'), await join(bus, 'b')];
    void a.host.load('solid');
    await lockstep([a, b], 6);
    bus.online = false;
    a.params.set('level', 5, 'midi');
    expect(a.params.get('level')).toBe(5);
    await lockstep([a, b], 6);
    expect(b.params.get('level')).toBe(10);
    bus.reconnect();
    await lockstep([a, b], 2);
    expect(b.params.get('level')).toBe(5);
    // a did not apply it a second time when it came back (a trigger would have fired twice).
    expect(a.sync.stats.applied).toBe(b.sync.stats.applied);
  });

  it("changes a node makes itself (fades, modulators) stay on that node; a replaced pipeline's values are dropped", async () => {
    const bus = new TestBus();
    const [a, b] = [await join(bus, 'a'), await join(bus, 'b')];
    void a.host.load('solid');
    await lockstep([a, b], 6);
    a.params.set('level', 77, 'cue');
    expect(a.params.get('level')).toBe(77);
    await lockstep([a, b], 6);
    expect(b.params.get('level')).toBe(10);

    // A value stamped for the pipeline before a reload is stale on every node.
    const stale = a.sync.submit('param', 'level', 200, 'osc', { pipeline: 'an-older-load' });
    await lockstep([a, b], 6);
    expect(stale.at).toBeGreaterThan(0);
    expect([a.params.get('level'), b.params.get('level')]).toEqual([77, 10]);
    expect(b.sync.stats.stale).toBe(1);
  });
});

describe('ShowSync: a change is input, checked before it waits or lands', () => {
  const change = (over: Partial<ShowChange> & Pick<ShowChange, 'at'>): ShowChange => ({
    id: `x:${Math.random()}`,
    kind: 'param',
    key: 'level',
    value: 200,
    origin: 'x',
    source: 'osc',
    ...over,
  });

  it("a change stamped 25 s ahead is refused and logged; the performer's newer value stays", async () => {
    const bus = new TestBus();
    const log: string[] = [];
    const [a, b] = [await join(bus, 'a', 0, undefined, log), await join(bus, 'b')];
    void a.host.load('solid');
    await lockstep([a, b], 6);
    const pipeline = bus.stored.get('pipeline.active')!.id;
    for (const n of [a, b]) n.sync.receive(change({ at: n.clock.now() + 25_000, pipeline }));
    a.params.set('level', 60, 'midi');
    // 26 s of show later: the performer's value is still the one shown.
    await lockstep([a, b], 30 * 26);
    expect([a.params.get('level'), b.params.get('level')]).toEqual([60, 60]);
    expect(a.sync.stats.refused).toBe(1);
    expect(log.join('\n')).toMatch(/refused a param change to "level" from "x": it is stamped 25\.0 s ahead/);
  });

  it('a change stamped at 1e15 is refused on running nodes and on a node that catches up alike: they agree', async () => {
    const bus = new TestBus();
    const a = await join(bus, 'a');
    void a.host.load('solid');
    await lockstep([a], 6);
    const poison = change({ at: 1e15, pipeline: bus.stored.get('pipeline.active')!.id });
    // Written to the stored state behind the nodes' backs, and sent to them.
    bus.stored.set('param.level', poison);
    a.sync.receive(poison);
    await lockstep([a], 6);
    const late = await join(bus, 'late', a.clock.now());
    await lockstep([a, late], 3);
    expect([a.params.get('level'), late.params.get('level')]).toEqual([10, 10]);
    expect([a.sync.stats.refused, late.sync.stats.refused]).toEqual([1, 1]);
    expect(late.host.activeId).toBe('solid');
  });

  it('a change stamped behind the one applied last to its key is refused; the stored state is put right', async () => {
    const bus = new TestBus();
    const [a, b] = [await join(bus, 'a'), await join(bus, 'b')];
    void a.host.load('solid');
    await lockstep([a, b], 6);
    a.params.set('level', 70, 'http');
    await lockstep([a, b], 6);
    const applied = bus.stored.get('param.level')!;
    const older = change({ at: applied.at - 50, value: 3, pipeline: applied.pipeline! });
    bus.stored.set('param.level', older);
    for (const n of [a, b]) n.sync.receive(older);
    await lockstep([a, b], 3);
    expect([a.params.get('level'), b.params.get('level')]).toEqual([70, 70]);
    // A node that applied the newest value put it back: a node joining now shows what the others show.
    expect(bus.stored.get('param.level')!.value).toBe(70);
    const late = await join(bus, 'late', a.clock.now());
    expect(late.params.get('level')).toBe(70);
  });

  it('a stored load of an unknown pipeline is refused on catching up: the node says so and has no show pipeline', async () => {
    const bus = new TestBus();
    bus.stored.set('pipeline.active', change({ kind: 'pipeline', key: 'active', value: { id: 'nope' }, at: 0 }));
    const log: string[] = [];
    const sync = new ShowSync({
      node: 'n',
      params: new ParamStore(),
      host: (await join(bus, 'h')).host,
      log: (m) => log.push(m),
    });
    expect(await sync.catchUp([...bus.stored.values()])).toBe(false);
    expect(log.join('\n')).toMatch(/refused a pipeline change to "active".*unknown pipeline "nope"/);
  });

  it('a go stamped further ahead than the bound waits on its node and lands on its time everywhere', async () => {
    const bus = new TestBus();
    const [a, b] = [await join(bus, 'a'), await join(bus, 'b')];
    void a.host.load('solid');
    await lockstep([a, b], 6);
    const pipeline = bus.stored.get('pipeline.active')!.id;
    const at = a.clock.now() + MAX_AHEAD_MS * 2;
    a.sync.submit('param', 'level', 33, 'cue-go', { at, pipeline });
    expect(bus.stored.get('param.level')).toBeUndefined();
    await lockstep([a, b], Math.ceil((2 * MAX_AHEAD_MS) / FRAME) + 2);
    expect([a.params.get('level'), b.params.get('level')]).toEqual([33, 33]);
    expect(firstWith(a, 33)).toBe(firstWith(b, 33));
    expect(firstWith(a, 33) * FRAME).toBeGreaterThanOrEqual(at - 1);
    expect(b.sync.stats.refused).toBe(0);
  });
});
