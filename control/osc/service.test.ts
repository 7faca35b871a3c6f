import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpClient, bundle, bundleAt, encode, float32, int32, oscString } from './test-support';
import { startScope } from '../../src/main';
import { ManualClock } from '../../src/engine/clock';
import { ManualTimers } from '../../src/kernel/timers';
import { solidPipeline, tickFrames } from '../../src/engine/test-support';
import { waitFor } from '../../src/server/test-support';
import type { Scope, ScopeOptions } from '../../src/main';
import type { OscMessage } from './codec';

const open: { stop(): Promise<unknown> }[] = [];
const clients: UdpClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.stop()));
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function scope(options: Partial<ScopeOptions> = {}): Promise<Scope & { logs: string[] }> {
  const logs: string[] = [];
  const s = await startScope({
    port: 0,
    host: '127.0.0.1',
    pipelines: [solidPipeline(), solidPipeline('other')],
    pipeline: 'solid',
    width: 64,
    height: 64,
    clock: 'realtime',
    waitForLoad: true,
    log: (m) => logs.push(m),
    ...options,
  });
  open.push(s);
  return Object.assign(s, { logs });
}

async function client(): Promise<UdpClient> {
  const c = await UdpClient.open();
  clients.push(c);
  return c;
}

const level = (s: Scope) => s.services.params.get('level');
const red = (s: Scope) => s.services.engine.latest()?.data[0];
const int = (value: number) => ({ type: 'i', value });

describe('OSC over UDP', () => {
  it('sets a parameter, and later frames show it', async () => {
    const s = await scope();
    const c = await client();
    expect(s.osc!.port).toBeGreaterThan(0);
    await c.send(encode('/scope/level', [int(200)]), s.osc!.port);
    await waitFor(() => level(s) === 200, 5000, 'level 200 in the store');
    await waitFor(() => red(s) === 200, 5000, 'a frame with red 200');
    expect(s.osc!.status()).toMatchObject({ enabled: true, received: 1, applied: 1, errors: {} });
  });

  it('/scope/pause T freezes the picture and /scope/pause F lets it move again', async () => {
    const clock = new ManualClock();
    const s = await scope({ clock });
    const c = await client();
    const frames = (n: number) => tickFrames(s.services.engine, clock, n);
    const green = () => s.services.engine.latest()?.data[1];
    await frames(2);
    await c.send(encode('/scope/pause', [{ type: 'T', value: true }]), s.osc!.port);
    await waitFor(() => s.services.engine.isPaused, 5000, 'paused');
    const frozen = green();
    const paused = await frames(6);
    expect(paused.map((f) => f.data[1])).toEqual(Array(6).fill(frozen));
    expect(green()).toBe(frozen);
    await c.send(encode('/scope/pause', [{ type: 'F', value: false }]), s.osc!.port);
    await waitFor(() => !s.services.engine.isPaused, 5000, 'resumed');
    const [moving] = await frames(1);
    expect(moving!.data[1]).not.toBe(frozen);
  });

  it('/scope/preset/recall brings back a preset saved over HTTP, by name and by number', async () => {
    const s = await scope();
    const c = await client();
    s.services.params.set('level', 77, 'http');
    const saved = await fetch(`${s.url}/api/v1/presets/osc-recall-test`, { method: 'PUT' });
    expect(saved.status).toBe(200);
    s.services.params.set('level', 5, 'http');
    await c.send(encode('/scope/preset/recall', [{ type: 's', value: 'osc-recall-test' }]), s.osc!.port);
    await waitFor(() => level(s) === 77, 5000, 'level back to 77');
    s.services.params.set('level', 5, 'http');
    const index = s.presets.list().presets.findIndex((p) => p.name === 'osc-recall-test');
    await c.send(encode('/scope/preset/recall', [int(index)]), s.osc!.port);
    await waitFor(() => level(s) === 77, 5000, 'level back to 77 by number');
    await c.send(encode('/scope/preset/recall', [{ type: 's', value: 'no-such-preset' }]), s.osc!.port);
    await waitFor(() => (s.osc!.status().errors.rejected ?? 0) > 0, 5000, 'the unknown preset counted');
    expect(level(s)).toBe(77);
  });

  it('answers a query with the value, to the sender', async () => {
    const s = await scope();
    s.services.params.set('level', 42, 'http');
    const c = await client();
    await c.send(encode('/scope/level'), s.osc!.port);
    await waitFor(() => c.received.length > 0, 5000, 'a reply');
    expect(c.received[0]).toEqual({ address: '/scope/level', args: [int(42)] });
  });

  it('loads a pipeline', async () => {
    const s = await scope();
    const c = await client();
    await c.send(encode('/scope/pipeline/load', ['other']), s.osc!.port);
    await waitFor(() => s.services.host.status().pipelineId === 'other', 5000, 'pipeline other');
    await s.services.host.settled();
    expect(s.services.host.status().state).toBe('ready');
  });

  it('survives malformed packets: values stay, errors are counted and logged at a limited rate', async () => {
    const s = await scope();
    const c = await client();
    const port = s.osc!.port;
    const valid = encode('/scope/level', [int(200)]);
    const bad: [string, Buffer, string][] = [
      ['truncated', valid.subarray(0, valid.length - 4), 'malformed'],
      ['bad type tag string', Buffer.concat([oscString('/scope/level'), oscString('ii'), int32(1)]), 'malformed'],
      [
        'unterminated string',
        Buffer.concat([oscString('/scope/level'), oscString(',s'), Buffer.from('1234')]),
        'malformed',
      ],
      ['random bytes', Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256)), 'malformed'],
      [
        'bundle with a bad element',
        bundle(null, valid, Buffer.concat([oscString('/x'), oscString(',q')])),
        'malformed',
      ],
      ['huge string', encode('/scope/level', ['9'.repeat(60_000)]), 'rejected'],
      ['NaN float', Buffer.concat([oscString('/scope/level'), oscString(',f'), float32(NaN)]), 'rejected'],
      ['two numbers', encode('/scope/level', [int(1), int(2)]), 'wrong-type'],
      ['a blob', encode('/scope/level', [new Uint8Array([1, 2, 3, 4])]), 'wrong-type'],
      ['unknown address', encode('/scope/nope', [int(1)]), 'unknown-address'],
      ['inactive pipeline', encode('/scope/other/level', [int(1)]), 'not-active'],
    ];
    for (const [, bytes] of bad) await c.send(bytes, port);
    const expected = { malformed: 5, rejected: 2, 'wrong-type': 2, 'unknown-address': 1, 'not-active': 1 };
    await waitFor(() => JSON.stringify(s.osc!.status().errors) === JSON.stringify(expected), 5000, 'errors');
    expect(level(s)).toBe(10);
    expect(s.osc!.status().applied).toBe(0);
    expect(s.logs.filter((l) => l.startsWith('OSC: malformed'))).toHaveLength(1);
    // Still running: OSC applies the next good message and HTTP answers.
    await c.send(valid, port);
    await waitFor(() => level(s) === 200, 5000, 'level 200 after the bad packets');
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it('applies a future-timetagged bundle at its time, not before, and its messages in order', async () => {
    const timers = new ManualTimers();
    const s = await scope({ timers });
    const c = await client();
    const at = timers.now() + 500;
    await c.send(bundleAt(at, encode('/scope/level', [int(50)]), encode('/scope/level', [int(123)])), s.osc!.port);
    // UDP has no answer: a later datagram from the same socket, applied at once, says the bundle has arrived.
    await c.send(encode('/scope/level', [int(7)]), s.osc!.port);
    await waitFor(() => level(s) === 7, 5000, 'level 7');
    timers.advance(499);
    expect(level(s)).toBe(7);
    timers.advance(1);
    expect(level(s)).toBe(123);
    expect(s.osc!.status().applied).toBe(3);
  });

  it('applies an "immediately" bundle at once', async () => {
    const s = await scope();
    const c = await client();
    await c.send(bundle(null, encode('/scope/level', [int(77)])), s.osc!.port);
    await waitFor(() => level(s) === 77, 5000, 'level 77');
  });

  it('sends changes from other surfaces, /scope/fps and /scope/frame to feedback targets', async () => {
    const listener = await client();
    const timers = new ManualTimers();
    const s = await scope({ oscFeedback: [`127.0.0.1:${listener.port}`], timers });
    expect(s.osc!.status().feedbackTargets).toEqual([`127.0.0.1:${listener.port}`]);
    const res = await fetch(`${s.url}/api/v1/parameters`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 99 }),
    });
    expect(res.status).toBe(200);
    const got = (address: string) => listener.received.findLast((m) => m.address === address);
    await waitFor(() => got('/scope/level')?.args[0]?.value === 99, 5000, '/scope/level feedback');
    expect(got('/scope/level')).toEqual({ address: '/scope/level', args: [int(99)] });
    expect(got('/scope/fps')).toBeUndefined();
    timers.advance(250);
    await waitFor(() => got('/scope/fps') !== undefined && got('/scope/frame') !== undefined, 5000, 'stats');
    expect(got('/scope/fps')!.args[0]!.type).toBe('f');
    expect(got('/scope/frame')!.args[0]!.type).toBe('i');
  });

  it('does not echo changes that came from OSC', async () => {
    const listener = await client();
    const s = await scope({ oscFeedback: [`127.0.0.1:${listener.port}`] });
    await listener.send(encode('/scope/level', [int(150)]), s.osc!.port);
    await waitFor(() => level(s) === 150, 5000, 'level 150');
    s.services.params.set('seed', 3, 'http');
    const seed = (m: OscMessage) => m.address === '/scope/seed' && m.args[0]?.value === 3;
    await waitFor(() => listener.received.some(seed), 5000, 'seed feedback');
    expect(listener.received.some((m) => m.address === '/scope/level' && m.args[0]?.value === 150)).toBe(false);
  });

  it("sends a newly loaded pipeline's values to feedback targets without any of them being touched", async () => {
    const listener = await client();
    const s = await scope({ oscFeedback: [`127.0.0.1:${listener.port}`] });
    s.services.params.set('level', 200, 'http');
    await waitFor(() => listener.received.some((m) => m.args[0]?.value === 200), 5000, 'level 200');
    listener.received.length = 0;
    const res = await fetch(`${s.url}/api/v1/pipeline/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pipeline_id: 'other', params: { seed: 4 } }),
    });
    expect(res.status).toBe(202);
    const heard = (address: string, value: number) =>
      listener.received.some((m) => m.address === address && m.args[0]?.value === value);
    await waitFor(() => heard('/scope/level', 10) && heard('/scope/seed', 4), 5000, "the new pipeline's values");
  });

  it('switches itself off when the port is in use; HTTP goes on', async () => {
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(0, '127.0.0.1', resolve));
    open.push({ stop: () => new Promise<void>((resolve) => squatter.close(() => resolve())) });
    const port = squatter.address().port;
    const s = await scope({ oscPort: port });
    const sentence = `OSC port ${port} already in use on 127.0.0.1; OSC is off.`;
    expect(s.logs).toContain(sentence);
    expect(s.osc!.status()).toMatchObject({ enabled: false, disabledReason: sentence, port: 0 });
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
  });

  it('is off with oscPort null', async () => {
    const s = await scope({ oscPort: null });
    expect(s.osc).toBeUndefined();
  });
});
