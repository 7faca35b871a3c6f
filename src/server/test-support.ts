/**
 * Helpers for the server's tests: a real server on an ephemeral port (`startTestScope`), rigs that release frames
 * on a manual clock, MJPEG and WebSocket readers. The app without a socket is src/test-rig.ts.
 */
import { randomFillSync } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import { startScope } from '../main';
import type { ManualClock } from '../engine/clock';
import { tickFrames } from '../engine/test-support';
import type { Frame, Image } from '../engine/frame';
import type { PipelineDefinition } from '../engine/pipeline';
import type { ScopeServices } from '../kernel/services';
import type { Scope, ScopeOptions } from '../main';
import type { ServerMessage } from '../shared/messages';

/** A server on 127.0.0.1, an ephemeral port, small frames, the first pipeline loaded; logs are kept, not printed. */
export async function startTestScope(options: Partial<ScopeOptions> = {}): Promise<Scope & { logs: string[] }> {
  const logs: string[] = [];
  const scope = await startScope({
    port: 0,
    host: '127.0.0.1',
    width: 64,
    height: 64,
    fps: 30,
    waitForLoad: true,
    log: (m) => logs.push(m),
    ...options,
  });
  return Object.assign(scope, { logs });
}

/**
 * Polls `check` until it holds. On timeout the error says what it waited for and, given `seen`, what it saw last
 * (a state, a count, a log tail): a failure under load then explains itself instead of saying "timed out".
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
  seen?: () => unknown,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${await saw(seen)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `promise`'s value, or an error saying what it waited for (and what it saw) once `timeoutMs` have passed: for
 * awaits on an event or a stream's end that would otherwise fail only as vitest's "Test timed out".
 */
export async function settles<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
  seen?: () => unknown,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => void saw(seen).then((s) => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${s}`))),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** "; saw …" for a timeout's message; a `seen` that throws says so rather than hiding the timeout. */
async function saw(seen: (() => unknown) | undefined): Promise<string> {
  if (!seen) return '';
  try {
    const value = await seen();
    return `; saw ${typeof value === 'string' ? value : JSON.stringify(value)}`;
  } catch (err) {
    return `; could not say what it saw (${(err as Error).message})`;
  }
}

export interface CallInit {
  method?: string;
  body?: unknown;
  raw?: string;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke into arbitrary JSON answers
export type Answer = { status: number; body: any };

/** JSON request helper: the status and parsed body. */
export function call(url: string, init: CallInit = {}): Promise<Answer> {
  return callWith((u, i) => fetch(u, i), url, init);
}

/** A JSON request through any `fetch`-like function (a socket's, or app.request). */
export async function callWith(
  request: (url: string, init: RequestInit) => Promise<Response>,
  url: string,
  init: CallInit,
): Promise<Answer> {
  const res = await request(url, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json' },
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** What a test drives: requests (through a socket or app.request) and frames, released one by one. */
export interface Rig {
  services: ScopeServices;
  clock: ManualClock;
  /** A request to the server; `path` like `/api/v1/parameters`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** A JSON request: the status and parsed body. */
  call(path: string, init?: CallInit): Promise<Answer>;
  /** Releases `n` frames on the manual clock (one frame interval of clock time each); resolves once published. */
  frames(n?: number): Promise<Frame[]>;
}

/** A rig over the real socket of a scope started with `clock` (a manual one). */
export function socketRig(scope: Scope, clock: ManualClock): Rig {
  const request = (path: string, init?: RequestInit) => fetch(`${scope.url}${path}`, init);
  return {
    services: scope.services,
    clock,
    request,
    call: (path, init = {}) => callWith(request, path, init),
    frames: (n = 1) => tickFrames(scope.services.engine, clock, n),
  };
}

/** Counts instances and unloads of a pipeline definition. */
export function spied(def: PipelineDefinition): PipelineDefinition & { created: number; unloaded: number } {
  const spy = {
    ...def,
    created: 0,
    unloaded: 0,
    create() {
      spy.created++;
      const instance = def.create();
      return {
        load: instance.load.bind(instance),
        render: instance.render.bind(instance),
        unload: () => {
          spy.unloaded++;
          return instance.unload();
        },
      };
    },
  };
  return spy;
}

/** Random pixels every frame: JPEGs that do not compress, to fill socket buffers fast. */
export function noisePipeline(id = 'noise'): PipelineDefinition {
  return {
    id,
    name: 'Noise',
    description: 'Random pixels, for tests.',
    params: {},
    create: () => ({
      async load() {},
      render(ctx): Image {
        const data = new Uint8Array(ctx.width * ctx.height * 4);
        randomFillSync(data);
        return { data, width: ctx.width, height: ctx.height };
      },
      unload() {},
    }),
  };
}

export interface MjpegPart {
  headers: Record<string, string>;
  seq: number;
  data: Buffer;
}

/** Incremental multipart/x-mixed-replace parser: feed bytes, take whole parts. */
export class MultipartParser {
  private buf = Buffer.alloc(0);
  constructor(private readonly boundary: string) {}

  push(chunk: Uint8Array): MjpegPart[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const parts: MjpegPart[] = [];
    for (;;) {
      const start = this.buf.indexOf(`--${this.boundary}\r\n`);
      if (start < 0) break;
      const headEnd = this.buf.indexOf('\r\n\r\n', start);
      if (headEnd < 0) break;
      const headers: Record<string, string> = {};
      const lines = this.buf.subarray(start, headEnd).toString('latin1').split('\r\n').slice(1);
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const length = Number(headers['content-length']);
      const bodyStart = headEnd + 4;
      if (this.buf.length < bodyStart + length + 2) break;
      const data = Buffer.from(this.buf.subarray(bodyStart, bodyStart + length));
      if (this.buf.subarray(bodyStart + length, bodyStart + length + 2).toString('latin1') !== '\r\n') {
        throw new Error('part does not end with CRLF after Content-Length bytes');
      }
      parts.push({ headers, seq: Number(headers['x-frame-seq']), data });
      this.buf = this.buf.subarray(bodyStart + length + 2);
    }
    return parts;
  }
}

/** Reads `n` parts of an MJPEG stream with fetch, then cancels it. */
export async function readMjpeg(
  url: string,
  n: number,
): Promise<{ parts: MjpegPart[]; times: number[]; type: string }> {
  const res = await fetch(url);
  const type = res.headers.get('content-type') ?? '';
  const boundary = /boundary=([^;]+)/.exec(type)?.[1];
  if (!res.ok || !boundary || !res.body) throw new Error(`not an MJPEG response: ${res.status} ${type}`);
  const parser = new MultipartParser(boundary);
  const reader = res.body.getReader();
  const parts: MjpegPart[] = [];
  const times: number[] = [];
  while (parts.length < n) {
    const { done, value } = await reader.read();
    if (done) break;
    for (const part of parser.push(value)) {
      // One chunk may carry several parts on a busy machine; the caller asked for n.
      if (parts.length === n) break;
      parts.push(part);
      times.push(performance.now());
    }
  }
  await reader.cancel();
  return { parts, times, type };
}

export const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b.at(-2) === 0xff && b.at(-1) === 0xd9;

/** A `ws` client that queues server messages, for `take(type)`. */
export class TestSocket {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];

  private constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => this.messages.push(JSON.parse(String(data)) as ServerMessage));
  }

  static async open(baseUrl: string): Promise<TestSocket> {
    const socket = new TestSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      socket.ws.once('open', () => resolve());
      socket.ws.once('error', reject);
    });
    return socket;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** The first queued message of `type` (matching `where`), removed from the queue; waits for it. */
  async take<T extends ServerMessage['type']>(
    type: T,
    where: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    let found: Extract<ServerMessage, { type: T }> | undefined;
    await waitFor(
      () => {
        const i = this.messages.findIndex((m) => m.type === type && where(m as Extract<ServerMessage, { type: T }>));
        if (i >= 0) found = this.messages.splice(i, 1)[0] as Extract<ServerMessage, { type: T }>;
        return found !== undefined;
      },
      timeoutMs,
      `a "${type}" message`,
    );
    return found!;
  }

  /**
   * A round trip that changes nothing (an empty `set`): once its ack is back, everything the server sent this
   * socket before has arrived (one connection, in order), so an absence can be checked without a sleep.
   */
  async sync(): Promise<void> {
    const id = `sync-${++this.syncs}`;
    this.send({ type: 'set', params: {}, id });
    await this.take('ack', (m) => m.id === id);
  }
  private syncs = 0;

  /** Messages of `type` queued so far. */
  queued<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m) => m.type === type) as Extract<ServerMessage, { type: T }>[];
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** A free TCP (or UDP) port on 127.0.0.1, found by binding port 0 once. */
export async function freePort(kind: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (kind === 'udp') {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    const { port } = socket.address();
    await new Promise<void>((r) => socket.close(() => r()));
    return port;
  }
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * Ends a helper process the tests started (nats-server, janus): SIGTERM, then SIGKILL after `graceMs` if it is
 * still there; resolves once it has exited.
 */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  // A bound, not a wait: a process that ignores SIGTERM must not hang the test run.
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
