/**
 * A show's stored state is input: changes and meta written into its bucket behind the nodes' backs (by anyone who
 * reaches an open NATS server) are checked on read by running nodes and by nodes that join, against a real server.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { startTestScope, waitFor } from '../../src/server/test-support';
import { startNatsServer } from './test-nats-server';
import { keyOf } from './nats-show';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ShowChange } from '../../src/show/change';
import type { TestNatsServer } from './test-nats-server';

type Node = Awaited<ReturnType<typeof startTestScope>>;

describe("a show's stored state, poisoned, on a real nats-server", () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  const nodes: Node[] = [];
  const node = async (show: string, fps = 30) => {
    const n = await startTestScope({ nats: nats.url, show, fps, pipeline: 'test-pattern', oscPort: null, midi: false });
    nodes.push(n);
    return n;
  };
  const bucket = (show: string): Promise<KV> => new Kvm(nc).open(`scope-show-${show}`);
  /** A change as a rogue client writes it straight into the bucket. */
  const poison = async (show: string, over: Partial<ShowChange> & Pick<ShowChange, 'at'>) => {
    const change: ShowChange = {
      ...{ id: `rogue:${randomUUID()}`, kind: 'param', key: 'background', value: '#00ff00' },
      ...{ origin: 'rogue', source: 'osc' },
      ...over,
    };
    await (await bucket(show)).put(keyOf(change), JSON.stringify(change));
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
  }, 30_000);
  afterAll(async () => {
    for (const n of nodes) await n.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('a change stamped 25 s ahead, or at 1e15, is refused on running and restarted nodes alike: they agree', async () => {
    const show = `p${randomUUID().slice(0, 8)}`;
    const a = await node(show);
    a.services.params.set('background', '#ff0000', 'http');
    await waitFor(() => a.services.params.get('background') === '#ff0000', 5000, "the performer's value");
    await poison(show, { at: a.services.engine.clock.now() + 25_000 });
    await waitFor(() => a.sync!.stats.refused === 1, 5000, 'the 25 s change refused');
    expect(a.logs.join('\n')).toMatch(
      /refused a param change to "background" from "rogue": it is stamped 2\d\.\d s ahead/,
    );
    // No node ever set `speed`: a change to it at 1e15 stays in the stored state for a joining node to read.
    await poison(show, { key: 'speed', value: 3, at: 1e15 });
    await waitFor(() => a.sync!.stats.refused === 2, 5000, 'the 1e15 change refused');
    const b = await node(show);
    expect(b.sync!.stats.refused).toBe(1);
    expect(b.logs.join('\n')).toMatch(
      /refused a param change to "speed" from "rogue": it is stamped 1\.0e\+15 ms ahead/,
    );
    // The background a running node put back over the poison: the new node shows what the others show.
    expect([a, b].map((n) => n.services.params.get('background'))).toEqual(['#ff0000', '#ff0000']);
    // A tempo out of range is refused like the rest, not applied or thrown inside the frame.
    const bpm = a.performing.service.perform.tempo.bpm;
    await poison(show, {
      kind: 'tempo',
      key: 'clock',
      value: { t: 0, beat: 0, bpm: 1e9 },
      at: b.services.engine.clock.now(),
    });
    await waitFor(() => b.sync!.stats.refused === 2, 5000, 'the tempo refused');
    expect(b.logs.join('\n')).toMatch(/refused a tempo change to "clock" from "rogue": it is not a tempo/);
    expect([a, b].map((n) => n.performing.service.perform.tempo.bpm)).toEqual([bpm, bpm]);
    const speed = a.services.params.get('speed');
    expect(speed).not.toBe(3);
    expect(b.services.params.get('speed')).toBe(speed);
  }, 30_000);

  it('garbage meta and a stored load of an unknown pipeline: a new node still starts, with a pipeline', async () => {
    const show = `p${randomUUID().slice(0, 8)}`;
    const first = await node(show, 24);
    const now = first.services.engine.clock.now();
    await first.stop();
    nodes.splice(nodes.indexOf(first), 1);
    const kv = await bucket(show);
    await kv.put('meta', '{"epoch": "soon", "fps": 1e6');
    await poison(show, { kind: 'pipeline', key: 'active', value: { id: 'no-such-pipeline' }, at: now });
    const late = await node(show);
    expect(late.services.host.activeId).toBe('test-pattern');
    expect(late.logs.join('\n')).toMatch(/stored meta is invalid .*repaired to 30 fps/);
    expect(late.logs.join('\n')).toMatch(/refused a pipeline change to "active".*unknown pipeline "no-such-pipeline"/);
    // It wrote the meta back repaired: the next node finds a valid one and agrees.
    expect(JSON.parse((await kv.get('meta'))!.string())).toMatchObject({ fps: 30 });
  }, 30_000);

  it("meta set to fps 1 while nodes run is put back at once: a node joining next runs at the show's rate", async () => {
    const show = `p${randomUUID().slice(0, 8)}`;
    const a = await node(show, 24);
    const kv = await bucket(show);
    const meta = JSON.parse((await kv.get('meta'))!.string()) as { epoch: number; fps: number };
    await kv.put('meta', JSON.stringify({ ...meta, fps: 1 }));
    await waitFor(
      async () => (JSON.parse((await kv.get('meta'))!.string()) as { fps: number }).fps === 24,
      5000,
      'the meta put back',
    );
    expect(a.logs.join('\n')).toMatch(/stored meta was changed to something else; put back \(24 fps\)/);
    const b = await node(show);
    expect([a.services.engine.fps, b.services.engine.fps]).toEqual([24, 24]);
    expect(b.show!.meta).toEqual(meta);
  }, 30_000);
});
