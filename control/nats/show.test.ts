import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestScope, waitFor } from '../../src/server/test-support';
import { readFrameCode } from '../../pipelines/test-pattern/frame-code';
import { startNatsServer } from './test-nats-server';
import { UdpClient, encode } from '../osc/test-support';
import type { Frame } from '../../src/engine/frame';
import type { TestNatsServer } from './test-nats-server';

type Node = Awaited<ReturnType<typeof startTestScope>> & { frames: { index: number; code: number; red: number }[] };

const FRAME = 1000 / 30;
const index = (f: Frame) => Math.round(f.timestamp / FRAME);

/** A node of the show in this process: the server npm start runs, with --nats and --show. */
async function node(nats: TestNatsServer, show: string): Promise<Node> {
  const scope = await startTestScope({
    nats: nats.url,
    show,
    pipeline: 'test-pattern',
    oscPort: 0,
    oscQueryPort: null,
    midi: false,
  });
  const frames: Node['frames'] = [];
  scope.services.engine.onFrame((f) => {
    // Right of the row under the frame code: the background (the bars start one code height lower).
    const o = (5 * f.width + f.width - 2) * 4;
    frames.push({ index: index(f), code: readFrameCode(f), red: f.data[o]! });
    if (frames.length > 600) frames.shift();
  });
  return Object.assign(scope, { frames });
}

/** What each node has, for a timeout's message: a parameter's value and whether it reaches the server. */
const each = (ns: Node[], param: string) => () =>
  ns
    .map(
      (n, i) =>
        `node ${i}: ${param} ${JSON.stringify(n.services.params.get(param))}, ${n.show?.online ? 'online' : 'offline'}`,
    )
    .join('; ');

/** The show frame index of the first frame whose background is red. */
const turnedRed = (n: Node) => n.frames.find((f) => f.red > 200)?.index;

describe('a show of three nodes over a real nats-server', () => {
  let nats: TestNatsServer;
  let nodes: Node[] = [];
  const show = `t${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    nats = await startNatsServer();
    nodes = [await node(nats, show), await node(nats, show), await node(nats, show)];
  }, 60_000);
  afterAll(async () => {
    for (const n of nodes) await n.stop();
    await nats?.stop();
  });

  it('a change made on one node lands on the same frame index (±1) on all three, and they render the same frames', async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    for (const n of nodes) expect(n.services.host.activeId).toBe('test-pattern');
    // A real OSC packet to one node drives the show.
    const udp = await UdpClient.open();
    await udp.send(encode('/scope/background', ['#ff0000']), b.osc!.port);
    await udp.close();
    await waitFor(
      () => nodes.every((n) => turnedRed(n) !== undefined),
      10_000,
      'every node to turn red',
      each(nodes, 'background'),
    );
    const landed = [a, b, c].map(turnedRed) as number[];
    expect(Math.max(...landed) - Math.min(...landed)).toBeLessThanOrEqual(1);
    // The pipeline counts its frames from the show's load: the frame code drawn at one index is the same on each.
    const common = a.frames.map((f) => f.index).filter((i) => [b, c].every((n) => n.frames.some((f) => f.index === i)));
    expect(common.length).toBeGreaterThan(0);
    const at = common.at(-1)!;
    const codes = nodes.map((n) => n.frames.find((f) => f.index === at)!.code);
    expect(Math.max(...codes) - Math.min(...codes)).toBeLessThanOrEqual(1);
  });

  it('the tempo set on one node is the tempo, and the beat, of every node', async () => {
    const tempo = (n: Node) => n.performing.service.perform.tempo;
    tempo(nodes[0]!).setBpm(137, 'osc');
    await waitFor(() => nodes.every((n) => Math.abs(tempo(n).bpm - 137) < 1e-9), 5000, 'the tempo everywhere');
    // Same beat at the same show time on every node (their clocks are the show's).
    const t = nodes[0]!.services.engine.clock.now();
    const beats = nodes.map((n) => tempo(n).beatAt(t));
    expect(Math.max(...beats) - Math.min(...beats)).toBeLessThan(0.01);
  });

  it('a node that restarts catches up from the show: pipeline, values, frame count', async () => {
    const [a] = nodes as [Node];
    a.services.params.set('speed', 1.5, 'http');
    await waitFor(
      () => nodes.every((n) => n.services.params.get('speed') === 1.5),
      5000,
      'speed everywhere',
      each(nodes, 'speed'),
    );
    await nodes[2]!.stop();
    a.services.params.set('counter', false, 'midi');
    await waitFor(
      () => nodes[1]!.services.params.get('counter') === false,
      5000,
      'the change on the other node',
      each(nodes, 'counter'),
    );
    nodes[2] = await node(nats, show);
    const back = nodes[2];
    expect(back.services.host.activeId).toBe('test-pattern');
    expect(back.services.params.get('background')).toBe('#ff0000');
    expect(back.services.params.get('speed')).toBe(1.5);
    expect(back.services.params.get('counter')).toBe(false);
    // It renders the same frame of the pipeline at the same show time as a node that never left.
    await waitFor(
      () => back.frames.length > 10,
      5000,
      'frames from the restarted node',
      () => `${back.frames.length} frames`,
    );
    const i = back.frames.at(-3)!.index;
    expect(Math.abs(back.frames.at(-3)!.code - a.frames.find((f) => f.index === i)!.code)).toBeLessThanOrEqual(1);
  }, 30_000);

  it('the NATS server restarted mid-show loses nothing: changes made while it was down reach every node', async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    await nats.kill();
    await waitFor(() => !a.show!.online, 5000, 'the node to notice');
    // While the server is away the node that made the change shows it at once.
    a.services.params.set('background', '#0000ff', 'ws');
    expect(a.services.params.get('background')).toBe('#0000ff');
    expect(b.services.params.get('background')).toBe('#ff0000');
    await nats.restart();
    await waitFor(
      () => [b, c].every((n) => n.services.params.get('background') === '#0000ff'),
      15_000,
      'the change made while the server was down, on the other nodes',
      each([b, c], 'background'),
    );
    // What the show kept on disk survived: a node that joins now gets everything.
    const late = await node(nats, show);
    nodes.push(late);
    expect(late.services.params.get('background')).toBe('#0000ff');
    expect(late.services.params.get('speed')).toBe(1.5);
    // And changes go on flowing after the restart.
    c.services.params.set('speed', 0.5, 'osc');
    await waitFor(
      () => nodes.every((n) => n.services.params.get('speed') === 0.5),
      10_000,
      'a change after the restart',
      each(nodes, 'speed'),
    );
  }, 40_000);

  it('a preset recalled on one node, and a cue gone on another, land on every node; the cue on one frame', async () => {
    const [a, b] = nodes as [Node, Node];
    expect((await a.presets.save('green', { background: '#00ff00' })).ok).toBe(true);
    expect(a.presets.recall('green').ok).toBe(true);
    await waitFor(
      () => nodes.every((n) => n.services.params.get('background') === '#00ff00'),
      5000,
      'the preset everywhere',
      each(nodes, 'background'),
    );
    // The cue is in b's list only: it travels with its go, and lands on the next beat everywhere.
    await b.performing.service.putCue({ name: 'red', values: { background: '#ff0000' }, fade: 0, curve: 'linear' });
    const from = Math.max(...nodes.map((n) => n.frames.at(-1)!.index));
    b.performing.service.goCue('red', 'beat');
    await waitFor(
      () => nodes.every((n) => n.services.params.get('background') === '#ff0000'),
      5000,
      'the cue',
      each(nodes, 'background'),
    );
    await waitFor(
      () => nodes.every((n) => n.frames.at(-1)!.red > 200),
      5000,
      'red frames everywhere',
      () => nodes.map((n) => n.frames.at(-1)?.red),
    );
    const landed = nodes.map((n) => n.frames.find((f) => f.index > from && f.red > 200)!.index);
    expect(Math.max(...landed) - Math.min(...landed)).toBeLessThanOrEqual(1);
    for (const n of nodes)
      expect(n.performing.service.cueState()).toMatchObject({ current: 0, cues: [{ name: 'red' }] });
    // A node that joins now lands on the cue: its values after the preset's, the cue as the current one.
    const late = await node(nats, show);
    nodes.push(late);
    expect(late.services.params.get('background')).toBe('#ff0000');
    expect(late.performing.service.cueState()).toMatchObject({ current: 0, cues: [{ name: 'red' }] });
  }, 20_000);
});
