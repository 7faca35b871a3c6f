/**
 * The size and flood cases of issue 10 from raw sockets: bodies cut off while they arrive, oversized WebSocket
 * messages closed, and a flood of future-timetagged OSC bundles held only up to its caps. Each is refused with a
 * reason counted in /api/v1/stats, and the server keeps serving.
 */
import { createSocket } from 'node:dgram';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { bundleAt, encode } from '../../control/osc/test-support';
import { solidPipeline } from '../engine/test-support';
import { ManualTimers } from '../kernel/timers';
import { startScope } from '../main';
import type { Scope } from '../main';

/**
 * Streams up to `total` bytes as a chunked body and keeps streaming after the answer, as a hostile client would;
 * resolves with the status, how much went out before it came, and how much in all before the server hung up.
 */
function chunkedFlood(port: number, path: string, total: number, type: string) {
  return new Promise<{ status: number; sentBeforeAnswer: number; sentInAll: number }>((resolve, reject) => {
    let sent = 0;
    let status = 0;
    let sentBeforeAnswer = 0;
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': type, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        status = res.statusCode ?? 0;
        sentBeforeAnswer = sent;
        res.resume();
      },
    );
    req.on('error', (err) => (sent > 0 ? undefined : reject(err)));
    req.on('close', () => resolve({ status, sentBeforeAnswer, sentInAll: sent }));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = () => {
      while (sent < total && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

/** An OSC bundle timetagged at `ms` (unix time) holding one message padded to about `bytes`. */
const paddedBundle = (ms: number, bytes: number) => bundleAt(ms, encode('/scope/level', ['x'.repeat(bytes)]));

describe('floods and oversized input from raw sockets', () => {
  let scope: Scope;
  // OSC holds future bundles on these: they stay held for the whole test, whatever time it takes.
  const timers = new ManualTimers();
  const stats = async () =>
    (await (await fetch(`${scope.url}/api/v1/stats`)).json()) as { refused: Record<string, number>; frames: number };

  beforeAll(async () => {
    scope = await startScope({
      port: 0,
      oscQueryPort: null,
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      width: 64,
      height: 64,
      waitForLoad: true,
      midi: false,
      log: () => {},
      timers,
    });
  });
  afterAll(() => scope.stop());

  it.each([
    ['/whep', 'application/sdp', 1024 * 1024],
    ['/api/v1/parameters', 'application/json', 4 * 1024 * 1024],
  ])('cuts off a 300 MB chunked body to %s with 413 while it arrives, then hangs up', async (path, type, bound) => {
    const before = process.memoryUsage().rss;
    const { status, sentBeforeAnswer, sentInAll } = await chunkedFlood(scope.port, path, 300 * 1024 * 1024, type);
    expect(status).toBe(413);
    // The answer comes once the limit is passed, not after the whole body: socket buffers hold the rest.
    expect(sentBeforeAnswer).toBeLessThan(bound + 8 * 1024 * 1024);
    // Then the server hangs up rather than reading (and throwing away) the rest: what went out after the answer is
    // what the socket buffers took.
    expect(sentInAll - sentBeforeAnswer).toBeLessThan(16 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(scope.services.params.get('level')).toBe(10);
  });

  it('closes a /ws socket that sends a message over 256 KiB (1009) and applies nothing of it', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${scope.port}/ws`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const code = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    ws.send(JSON.stringify({ type: 'set', params: { level: 99 }, pad: 'x'.repeat(512 * 1024) }));
    expect(await code).toBe(1009);
    expect(scope.services.params.get('level')).toBe(10);
  });

  it('holds future OSC bundles only up to the caps, drops the rest with a count, and drops far-future ones', async () => {
    const socket = createSocket('udp4');
    const port = scope.osc!.port;
    // The server shares this process: yielding after each datagram lets it read the socket before the next one,
    // so the kernel's receive buffer (a few datagrams of this size) does not overflow and hide the flood.
    const send = (b: Uint8Array) =>
      new Promise<void>((resolve) => socket.send(b, port, '127.0.0.1', () => setImmediate(resolve)));
    // 400 bundles of 60 KB, 9 s ahead: 24 MB if all were kept; the byte cap keeps about 8 MB (139 of them).
    for (let i = 0; i < 400; i++) await send(paddedBundle(timers.now() + 9000, 60_000));
    await send(paddedBundle(timers.now() + 3_600_000, 100));
    // A query is answered: its reply comes once every datagram sent before it has been read.
    const replied = new Promise((resolve) => socket.once('message', resolve));
    await send(encode('/scope/level'));
    await replied;
    socket.close();
    const s = await stats();
    expect(s.refused.osc_bundles_pending_full).toBeGreaterThan(200);
    expect(s.refused.osc_bundle_too_far_ahead).toBe(1);
    const scheduler = (scope.osc as unknown as { scheduler: { pending: number; pendingBytes: number } }).scheduler;
    expect(scheduler.pendingBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(scheduler.pending).toBeLessThanOrEqual(512);
    // The loop kept going through all of it: it renders the next frame.
    const frames = s.frames;
    await new Promise<void>((resolve) => {
      const off = scope.services.engine.onFrame(() => {
        off();
        resolve();
      });
    });
    expect((await stats()).frames).toBeGreaterThan(frames);
  });
});
