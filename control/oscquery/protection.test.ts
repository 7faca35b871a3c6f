import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeMessage } from '../osc/codec';
import { OscQueryService } from './service';
import { startScope } from '../../src/main';
import { solidPipeline } from '../../src/engine/test-support';
import type { Scope } from '../../src/main';

/** Opens a WebSocket to OSCQuery with these headers; resolves with the socket or the HTTP status it was refused with. */
function open(port: number, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

const until = async (check: () => boolean) => {
  // Real sockets: the answer arrives when the kernel delivers it; poll briefly rather than guess a delay.
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

/** Resolves with the close code once the server closes the socket. */
const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

/** A raw HTTP GET with a Host header of our choosing (fetch will not send one). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('OSCQuery behind the request guard, with limits', () => {
  let scope: Scope;
  let port: number;
  beforeAll(async () => {
    scope = await startScope({
      port: 0,
      oscQueryPort: 0,
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      width: 64,
      height: 64,
      waitForLoad: true,
      log: () => {},
    });
    port = scope.oscQuery!.port;
  });
  afterAll(() => scope.stop());

  it('is not advertised over mDNS on loopback unless asked for', () => {
    expect(scope.oscQuery!.status().mdns).toBe(false);
  });

  it('answers its own host and refuses a rebound one with 421', async () => {
    expect((await getWithHost(port, '/?HOST_INFO', `127.0.0.1:${port}`)).status).toBe(200);
    const rebound = await getWithHost(port, '/scope', `evil.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(rebound.body).toMatch(/not a name of this server/);
  });

  it('refuses a WebSocket from a foreign page, takes one from a page of this machine', async () => {
    expect(await open(port, { Origin: 'http://evil.example' })).toBe(403);
    expect(await open(port, { Origin: 'http://127.evil.example' })).toBe(403);
    const own = await open(port, { Origin: `http://127.0.0.1:${scope.port}` });
    expect(own).toBeInstanceOf(WebSocket);
    (own as WebSocket).close();
  });

  it('a foreign page changes nothing, and the refusals are counted in stats', async () => {
    const before = scope.services.params.get('level');
    await open(port, { Origin: 'http://evil.example' });
    expect(scope.services.params.get('level')).toBe(before);
    const stats = (await (await fetch(`${scope.url}/api/v1/stats`)).json()) as { refused: Record<string, number> };
    expect(stats.refused.forbidden_origin).toBeGreaterThanOrEqual(3);
    expect(stats.refused.bad_host).toBeGreaterThanOrEqual(1);
  });

  it('closes a socket that sends a message over 64 KiB (1009), before it is kept', async () => {
    const ws = (await open(port)) as WebSocket;
    const code = closed(ws);
    ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: `/scope/${'x'.repeat(1024 * 1024)}` }));
    expect(await code).toBe(1009);
  });

  it('keeps LISTENs only for addresses that exist, and caps them per connection', async () => {
    const ws = (await open(port)) as WebSocket;
    for (let i = 0; i < 300; i++) ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: `/scope/nothing-${i}` }));
    ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/scope/level' }));
    // The socket answers in order: a value change after the LISTENs reaches it only if /scope/level was kept.
    const heard = new Promise<Buffer>((resolve) => ws.once('message', (data: Buffer) => resolve(data)));
    await new Promise<void>((resolve) => ws.ping(undefined, undefined, () => resolve()));
    await new Promise((resolve) => ws.once('pong', resolve));
    scope.services.params.set('level', 200, 'http');
    expect((await heard).includes(Buffer.from('/scope/level'))).toBe(true);
    ws.close();
  });

  it('caps LISTENs per connection: past the cap, a listened address stays silent', async () => {
    const small = new OscQueryService(scope.services, { port: 0, maxListens: 1 });
    await small.start();
    try {
      const ws = (await open(small.port)) as WebSocket;
      const heard: string[] = [];
      ws.on('message', (data: Buffer, binary: boolean) => binary && heard.push(data.toString('latin1')));
      ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/scope/seed' }));
      ws.send(JSON.stringify({ COMMAND: 'LISTEN', DATA: '/scope/level' }));
      await new Promise((resolve) => ws.ping(undefined, undefined, () => ws.once('pong', resolve)));
      scope.services.params.set('level', 100, 'http');
      scope.services.params.set('seed', 3, 'http');
      await until(() => heard.length >= 1);
      expect(heard.some((m) => m.includes('/scope/seed'))).toBe(true);
      expect(heard.some((m) => m.includes('/scope/level'))).toBe(false);
      expect(scope.services.refusals.snapshot().oscquery_listens_full).toBe(1);
      ws.close();
    } finally {
      await small.stop();
    }
  });

  it('still applies binary OSC from an allowed client', async () => {
    const ws = (await open(port, { Origin: `http://localhost:${scope.port}` })) as WebSocket;
    ws.send(encodeMessage({ address: '/scope/level', args: [{ type: 'i', value: 77 }] }));
    await new Promise<void>((resolve) => {
      const off = scope.services.params.onChange((c) => c.kind === 'value' && c.path === 'level' && (off(), resolve()));
    });
    expect(scope.services.params.get('level')).toBe(77);
    ws.close();
  });
});
