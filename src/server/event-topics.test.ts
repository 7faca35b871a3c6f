/**
 * The event table (src/shared/event-topics.ts) against a running server: every event the bus carries in a short
 * run is a topic of the table with data its schema accepts, and reaches a /ws client as a message the panel's
 * parse accepts. The type-level half: emit refuses an unknown topic and data of another shape.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { startTestScope, waitFor } from './test-support';
import { solidPipeline } from '../engine/test-support';
import { EventBus } from '../kernel/events';
import { eventTopics, isEventTopic } from '../shared/event-topics';
import { serverMessageSchema } from '../shared/messages';
import { FakeMidiBackend } from '../../control/midi/test-backend';
import type { EventData, EventTopic } from '../shared/event-topics';
import type { TempoState } from '../shared/perform';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('the event table in types', () => {
  it('emit takes the topics of the table with their data, and nothing else', () => {
    const bus = new EventBus();
    const told: unknown[] = [];
    bus.on((topic, data) => told.push([topic, data]));
    bus.emit('takes-playing', null);
    // @ts-expect-error an unknown topic does not compile
    bus.emit('no-such-topic', {});
    // @ts-expect-error a known topic with data of another shape does not compile
    bus.emit('tempo', { bpm: 'fast' });
    // @ts-expect-error a renamed topic does not compile either
    bus.emit('take-playing', null);
    expectTypeOf<EventData<'tempo'>>().toEqualTypeOf<TempoState>();
    expectTypeOf<'no-such-topic'>().not.toExtend<EventTopic>();
    // The bus itself passes on what it is given; the compiler is the gate.
    expect(told).toHaveLength(4);
  });
});

describe('events of a running server', () => {
  it('each is a topic of the table with data its schema accepts, on the bus and over /ws', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scope-events-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const scope = await startTestScope({
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      oscPort: null,
      oscQueryPort: null,
      configDir: dir,
      modelsDir: join(dir, 'models'),
      midi: true,
      // Art-Net on a free loopback port, so DMX learn has a listener to learn from.
      artnet: 0,
      midiBackend: new FakeMidiBackend({ inputs: ['pads 20:0'] }),
    });
    cleanup.push(() => scope.stop());
    const bus: [string, unknown][] = [];
    scope.services.events.on((topic, data) => bus.push([topic, data]));
    const socket = await openSocket(`${scope.url.replace('http', 'ws')}/ws`);
    cleanup.push(async () => socket.ws.close());

    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${scope.url}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
    };
    const command = (name: string, value?: string | number | boolean) =>
      expect(scope.services.commands.get(name)!.run(value), name).toMatchObject({ ok: true });

    const attached = bus.length;
    await api('PUT', '/tempo', { bpm: 128 });
    await api('PUT', '/cues/intro', { values: { level: 20 }, fade: 0 });
    await api('POST', '/cues/go', { cue: 'intro' });
    await api('PUT', '/timeline', { entries: [{ values: { level: 30 }, duration: 2 }] });
    await api('PUT', '/presets/one', {});
    command('xfade/a', 'one');
    await api('POST', '/takes/record', { record: true, name: 'verse' });
    await api('POST', '/takes/record', { record: false });
    // A take with nothing in it ends on the next frame: its replay's end is an event too.
    await api('POST', '/takes/verse/play', { quantize: 'off' });
    await api('PUT', '/outputs/mjpeg', { enabled: false });
    await api('PUT', '/input', { source: 'feedback' });
    command('midi/learn', 'level');
    command('dmx/learn', 'level');
    await api('PUT', '/modulators/wobble', { targets: ['level'], rate: 5, depth: 0.5 });
    // The modulator moves `level` and the replay ends on the next frames (the engine runs on its own clock here).
    const arrived = (topic: string) => bus.some(([t]) => t === topic);
    await waitFor(
      () => arrived('modulation') && arrived('takes-playing'),
      10_000,
      'a modulation event and the end of the replay',
      () => bus.map(([t]) => t),
    );

    const seen = new Set(bus.map(([topic]) => topic));
    const driven = ['tempo', 'cues', 'timeline', 'presets', 'crossfade', 'takes', 'outputs', 'input', 'midi', 'dmx'];
    expect([...seen]).toEqual(expect.arrayContaining([...driven, 'modulators', 'modulation', 'takes-playing']));

    const wrong = bus.flatMap(([topic, data]) => {
      if (!isEventTopic(topic)) return [`${topic}: not in the table`];
      const parsed = eventTopics[topic].safeParse(data);
      return parsed.success ? [] : [`${topic}: ${parsed.error.issues.map((i) => i.message).join('; ')}`];
    });
    expect(wrong).toEqual([]);

    // The socket, attached before the first action, heard every event from then on in the bus's order (a beat
    // may come between the bus listener and the socket), and the panel's parse takes each of them.
    const last = bus.length;
    const heard = () => {
      const topics = bus.map(([t]) => t);
      const over = socket.events.map((m) => m.topic);
      for (let from = 0; from <= attached; from++) {
        if (from + over.length >= last && over.every((t, i) => t === topics[from + i])) return true;
      }
      return false;
    };
    await waitFor(heard, 10_000, 'the same events over /ws', () => socket.events.map((m) => m.topic));
    const refused = socket.events.filter((m) => !serverMessageSchema.safeParse(m).success);
    expect(refused).toEqual([]);
  });
});

/** A /ws client that keeps every `event` message as JSON. */
async function openSocket(url: string): Promise<{ ws: WebSocket; events: { topic: string }[] }> {
  const ws = new WebSocket(url);
  const events: { topic: string }[] = [];
  ws.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as { type: string; topic: string };
    if (message.type === 'event') events.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, events };
}
