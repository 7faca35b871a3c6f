import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { OscQueryService } from './service';
import { decodePacket, encodeMessage } from '../osc/codec';
import { startScope } from '../../src/main';
import { solidPipeline } from '../../src/engine/test-support';
import { p } from '../../src/params/spec';
import type { OscQueryNode } from './namespace';
import type { OscMessage } from '../osc/codec';
import type { Scope } from '../../src/main';

/** A second pipeline with other parameters, so switching adds and removes paths. */
const glowPipeline = () => ({
  ...solidPipeline('glow'),
  params: { glow: p.number(0.5, { min: 0, max: 1, unit: 'distance.px', description: 'Glow amount' }) },
});

/** A WebSocket client that records what it receives: JSON commands and decoded OSC messages. */
async function client(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  const json: { COMMAND: string; DATA: string }[] = [];
  const osc: OscMessage[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      json.push(JSON.parse(data.toString()) as { COMMAND: string; DATA: string });
      return;
    }
    const decoded = decodePacket(data);
    if (decoded.ok && 'address' in decoded.packet) osc.push(decoded.packet);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  /**
   * A round trip: a query of /scope/pipeline, answered in order after everything sent before it was handled
   * (LISTEN and IGNORE have no answer of their own). The answer is taken off the list.
   */
  const sync = async () => {
    const before = osc.length;
    ws.send(encodeMessage({ address: '/scope/pipeline', args: [] }));
    await until(() => osc.slice(before).some((m) => m.address === '/scope/pipeline'));
    osc.splice(
      osc.findIndex((m, i) => i >= before && m.address === '/scope/pipeline'),
      1,
    );
  };
  return { ws, json, osc, send: (v: unknown) => ws.send(JSON.stringify(v)), sync };
}

/** Polls for what a real socket brings (an answer, a value set by a message), at most `ms`. */
const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('OscQueryService', () => {
  let scope: Scope;
  let service: OscQueryService;
  let base: string;
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: res.status === 200 ? ((await res.json()) as Record<string, unknown>) : null };
  };
  const patch = (body: Record<string, unknown>) =>
    fetch(`${scope.url}/api/v1/parameters`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    scope = await startScope({
      port: 0,
      pipelines: [solidPipeline(), glowPipeline()],
      pipeline: 'solid',
      width: 64,
      height: 64,
      waitForLoad: true,
      log: () => {},
    });
    service = new OscQueryService(scope.services, {
      host: '127.0.0.1',
      port: 0,
      oscPort: scope.osc!.port,
      mdns: false,
    });
    await service.start();
    base = `http://127.0.0.1:${service.port}`;
  });
  afterAll(async () => {
    await service.stop();
    await scope.stop();
  });

  it('answers the namespace as JSON nodes', async () => {
    const { status, body } = await get('/');
    expect(status).toBe(200);
    const root = body as unknown as OscQueryNode;
    expect(root.FULL_PATH).toBe('/');
    const params = root.CONTENTS!.scope!.CONTENTS!;
    expect(params.level).toEqual({
      FULL_PATH: '/scope/level',
      TYPE: 'i',
      ACCESS: 3,
      DESCRIPTION: 'level',
      VALUE: [10],
      RANGE: [{ MIN: 0, MAX: 255 }],
      CLIPMODE: ['both'],
    });
    expect(params.pipeline).toMatchObject({ TYPE: 's', VALUE: ['solid'], RANGE: [{ VALS: ['solid', 'glow'] }] });
    expect(params.pipeline!.CONTENTS!.load).toMatchObject({ FULL_PATH: '/scope/pipeline/load', ACCESS: 2 });
    expect((await get('/scope/level')).body).toMatchObject({ FULL_PATH: '/scope/level', TYPE: 'i' });
  });

  it('answers HOST_INFO with the OSC port and the extensions', async () => {
    const { body } = await get('/?HOST_INFO');
    expect(body).toMatchObject({
      NAME: 'daydream-scope',
      OSC_PORT: scope.osc!.port,
      OSC_TRANSPORT: 'UDP',
      WS_PORT: service.port,
      EXTENSIONS: { LISTEN: true, VALUE: true, RANGE: true, PATH_ADDED: true, PATH_REMOVED: true, HTML: false },
    });
  });

  it('answers attribute queries, 204 for an attribute the node lacks and 404 for an unknown path', async () => {
    expect(await get('/scope/level?VALUE')).toEqual({ status: 200, body: { VALUE: [10] } });
    expect(await get('/scope/level?RANGE')).toEqual({ status: 200, body: { RANGE: [{ MIN: 0, MAX: 255 }] } });
    expect((await get('/scope/level?UNIT')).status).toBe(204);
    expect((await get('/scope/nothing')).status).toBe(404);
    expect((await get('/nothing/level?VALUE')).status).toBe(404);
    expect((await get('/scope/%E0%A4%A')).status).toBe(400);
  });

  it('streams a listened value as binary OSC, and stops after IGNORE', async () => {
    const c = await client(service.port);
    c.send({ COMMAND: 'LISTEN', DATA: '/scope/level' });
    await c.sync();
    expect((await patch({ level: 200 })).status).toBe(200);
    await until(() => c.osc.length === 1);
    expect(c.osc[0]).toEqual({ address: '/scope/level', args: [{ type: 'i', value: 200 }] });
    c.send({ COMMAND: 'IGNORE', DATA: '/scope/level' });
    await c.sync();
    expect((await patch({ level: 100 })).status).toBe(200);
    await c.sync();
    expect(c.osc).toHaveLength(1);
    c.ws.close();
  });

  it('streams the tempo to a listener of /scope/tempo/bpm when it changes, whoever changed it', async () => {
    const c = await client(service.port);
    c.send({ COMMAND: 'LISTEN', DATA: '/scope/tempo/bpm' });
    await c.sync();
    const bpm = (value: number) =>
      expect(scope.services.commands.get('tempo/bpm')!.run(value)).toMatchObject({ ok: true });
    bpm(133);
    await until(() => c.osc.length === 1);
    expect(c.osc[0]).toEqual({ address: '/scope/tempo/bpm', args: [{ type: 'f', value: 133 }] });
    // The same tempo again (and each beat's tempo event) streams nothing more.
    bpm(133);
    await c.sync();
    expect(c.osc).toHaveLength(1);
    c.ws.close();
  });

  it('sets a value from binary OSC sent over the WebSocket, and answers a query', async () => {
    const c = await client(service.port);
    const sources: string[] = [];
    const off = scope.services.params.onChange((change) => sources.push(change.source));
    c.ws.send(encodeMessage({ address: '/scope/level', args: [{ type: 'f', value: 42 }] }));
    await until(() => scope.services.params.get('level') === 42);
    expect(sources).toEqual(['oscquery']);
    c.ws.send(encodeMessage({ address: '/scope/pipeline', args: [] }));
    await until(() => c.osc.length === 1);
    expect(c.osc[0]).toEqual({ address: '/scope/pipeline', args: [{ type: 's', value: 'solid' }] });
    off();
    c.ws.close();
  });

  it('tells clients which paths went and came when another pipeline loads', async () => {
    const c = await client(service.port);
    c.send({ COMMAND: 'LISTEN', DATA: '/scope/pipeline' });
    await c.sync();
    await scope.services.host.load('glow');
    await until(() => c.json.length >= 3 && c.osc.length === 1);
    expect(c.json).toEqual(
      expect.arrayContaining([
        { COMMAND: 'PATH_REMOVED', DATA: '/scope/level' },
        { COMMAND: 'PATH_REMOVED', DATA: '/scope/seed' },
        { COMMAND: 'PATH_ADDED', DATA: '/scope/glow' },
      ]),
    );
    expect(c.osc[0]).toEqual({ address: '/scope/pipeline', args: [{ type: 's', value: 'glow' }] });
    expect((await get('/scope/glow')).body).toMatchObject({ TYPE: 'f', UNIT: ['distance.px'], VALUE: [0.5] });
    expect((await get('/scope/level')).status).toBe(404);
    c.ws.close();
  });

  it('switches itself off with a sentence when its port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const lines: string[] = [];
    const other = new OscQueryService({ ...scope.services, log: (m) => lines.push(m) }, { port, mdns: false });
    await other.start();
    expect(lines).toEqual([`OSCQuery port ${port} already in use on 127.0.0.1; OSCQuery is off.`]);
    expect(other.status()).toMatchObject({ enabled: false, port: 0, disabledReason: lines[0] });
    await other.stop();
    await new Promise((resolve) => blocker.close(resolve));
  });
});
