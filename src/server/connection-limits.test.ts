/**
 * Clients that hold sockets instead of sending requests (issue 22): slow headers are cut, and one address holds only
 * so many connections. Raw sockets on 127.0.0.1 against the real listener.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPipeline } from '../engine/test-support';
import { ManualTimers } from '../kernel/timers';
import { startScope } from '../main';
import { connectionDefaults } from '../media/connection-limits';
import { startHttpServer } from './http';
import type { Socket } from 'node:net';
import type { Scope } from '../main';
import type { HttpServer } from './http';

/** A connected raw socket that keeps what it receives. */
function rawSocket(port: number): Promise<Socket & { received: () => string; gone: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    const gone = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', () => {}); // a reset after the server's answer is how a refusal may end
    socket.once('connect', () => resolve(Object.assign(socket, { received: () => text, gone })));
    socket.once('error', reject);
  });
}

/** A request sent at once on a raw socket: the status line of the answer. */
async function quickGet(port: number, path = '/health/live'): Promise<string> {
  const s = await rawSocket(port);
  s.end(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  await s.gone;
  return s.received().split('\r\n')[0] ?? '';
}

describe('connection limits of the HTTP listener', () => {
  let scope: Scope;
  let http: HttpServer;
  let few: HttpServer;

  beforeAll(async () => {
    scope = await startScope({
      port: 0,
      oscPort: null,
      oscQueryPort: null,
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      width: 64,
      height: 64,
      waitForLoad: true,
      midi: false,
      log: () => {},
    });
    // Listeners on the same services with short bounds, so the test sees them act: one with short timeouts, one
    // that takes three connections from an address (with the default timeouts, so held sockets are not cut).
    http = await startHttpServer(scope.services, {
      port: 0,
      timers: new ManualTimers(),
      connections: { ...connectionDefaults, headersTimeoutMs: 1000, requestTimeoutMs: 2000, checkIntervalMs: 100 },
    });
    few = await startHttpServer(scope.services, {
      port: 0,
      timers: new ManualTimers(),
      connections: { ...connectionDefaults, perAddress: 3, perLoopback: 3 },
    });
  });
  afterAll(async () => {
    await http?.close();
    await few?.close();
    await scope?.stop();
  });

  it('cuts a client that sends its headers a byte at a time, and still serves the others', async () => {
    const slow = await rawSocket(http.port);
    const header = `GET /health/live HTTP/1.1\r\nHost: 127.0.0.1:${http.port}\r\nX-Slow: ${'a'.repeat(1000)}`;
    let sent = 0;
    // The slow client's own pace. The cut is made by Node's clock (headersTimeout, checked every
    // connectionsCheckingInterval), which a test cannot drive: waiting for the socket to close is the only way.
    const drip = setInterval(() => {
      if (sent < header.length && !slow.destroyed) slow.write(header[sent++]!);
    }, 50);
    try {
      await slow.gone;
    } finally {
      clearInterval(drip);
    }
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    // It never finished its headers: it was cut before, not answered.
    expect(sent).toBeLessThan(header.length);
    expect(await quickGet(http.port)).toBe('HTTP/1.1 200 OK');
  }, 20_000);

  it('answers the connection over the per-address bound with 503 and counts it; a freed place is taken again', async () => {
    const before = scope.services.refusals.snapshot().connections_per_address ?? 0;
    const held = [await rawSocket(few.port), await rawSocket(few.port), await rawSocket(few.port)];
    try {
      const fourth = await rawSocket(few.port);
      await fourth.gone;
      expect(fourth.received()).toMatch(/^HTTP\/1\.1 503 [^]*too many connections/);
      expect(scope.services.refusals.snapshot().connections_per_address).toBe(before + 1);
      // Another listener has its own count: untouched by this one's.
      expect(await quickGet(scope.port)).toBe('HTTP/1.1 200 OK');
    } finally {
      // Ended, not destroyed: the client's socket closes once the server has answered the FIN with its own, so by
      // then the server has let the connection go.
      const gone = held.map((s) => s.gone);
      for (const s of held) s.end();
      await Promise.all(gone);
    }
    expect(await quickGet(few.port)).toBe('HTTP/1.1 200 OK');
  });
});
