import { WebSocket, WebSocketServer } from 'ws';
import { clientMessageSchema, requestIdSchema } from '../shared/messages';
import { topicEvent } from '../shared/event-topics';
import { parameters, pipelineStatus, runCommand, setParameters, startLoad, statsOf } from '../kernel/actions';
import { ScopeError, describeIssues, toScopeError } from '../kernel/errors';
import { every, realTimers } from '../kernel/timers';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData } from 'ws';
import type { ClientCounts } from '../kernel/actions';
import type { ParamValue } from '../shared/api';
import type { ClientMessage, RequestId, ServerMessage } from '../shared/messages';
import type { ScopeServices } from '../kernel/services';
import type { Timers } from '../kernel/timers';

export interface WsHubOptions {
  /** Stats messages per second. */
  statsHz: number;
  /** Stats are skipped for a socket with more than this many bytes still queued. */
  statsBacklogBytes: number;
  /** A socket with more than this queued is considered dead and dropped. */
  maxBacklogBytes: number;
  heartbeatMs: number;
  mjpegClients: () => number;
  /** The wall time stats and heartbeats run on; ManualTimers in tests. */
  timers: Timers;
}

const defaults: WsHubOptions = {
  statsHz: 4,
  statsBacklogBytes: 64 * 1024,
  maxBacklogBytes: 8 * 1024 * 1024,
  heartbeatMs: 15_000,
  mjpegClients: () => 0,
  timers: realTimers,
};

interface Client {
  /** The store's source tag of this socket's changes, e.g. `ws:3`; its own changes are not echoed to it. */
  source: string;
  alive: boolean;
}

/**
 * The `/ws` endpoint: a hello with everything a panel needs, then parameter changes from other surfaces, host
 * status and stats; client messages set parameters, load a pipeline or pause. Bad messages get an `error` back
 * and change nothing.
 */
export class WsHub {
  private readonly o: WsHubOptions;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  private readonly clients = new Map<WebSocket, Client>();
  private nextId = 1;
  /** Changed values by source, sent together once the current task ends (a setMany is one message). */
  private pending = new Map<string, Record<string, ParamValue>>();
  private readonly stopListening: (() => void)[];
  private readonly timers: (() => void)[];
  private readonly counts: ClientCounts;

  constructor(
    private readonly services: ScopeServices,
    options: Partial<WsHubOptions> = {},
  ) {
    this.o = { ...defaults, ...options } satisfies WsHubOptions;
    this.counts = { ws: () => this.clients.size, mjpeg: this.o.mjpegClients };
    this.stopListening = [
      services.params.onChange((event) =>
        event.kind === 'value' ? this.queueChange(event.source, event.path, event.value) : this.replaced(event.owner),
      ),
      services.host.onStatus(() => this.onStatus()),
      services.events.on((topic, data) => this.broadcast({ type: 'event', ...topicEvent(topic, data) })),
    ];
    this.timers = [
      every(this.o.timers, 1000 / this.o.statsHz, () => this.sendStats()),
      every(this.o.timers, this.o.heartbeatMs, () => this.heartbeat()),
    ];
  }

  get count(): number {
    return this.clients.size;
  }

  /** Takes over an HTTP upgrade request for `/ws`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  /** Closes every socket (1001, going away) and stops listening; sockets that do not answer are cut. */
  async close(): Promise<void> {
    for (const stop of this.stopListening) stop();
    for (const cancel of this.timers) cancel();
    const closed = [...this.clients.keys()].map(
      (ws) =>
        new Promise<void>((resolve) =>
          ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve()),
        ),
    );
    for (const ws of this.clients.keys()) ws.close(1001, 'server stopping');
    const grace = new Promise<void>((resolve) => setTimeout(resolve, 500).unref());
    await Promise.race([Promise.all(closed), grace]);
    for (const ws of this.clients.keys()) ws.terminate();
    this.clients.clear();
    this.wss.close();
  }

  private attach(ws: WebSocket): void {
    const client: Client = { source: `ws:${this.nextId++}`, alive: true };
    this.clients.set(ws, client);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => this.clients.delete(ws));
    ws.on('message', (data, isBinary) => this.onMessage(ws, client, data, isBinary));
    const { pipeline, values, schema } = parameters(this.services);
    this.send(ws, {
      type: 'hello',
      version: this.services.version,
      pipeline,
      values,
      schema,
      status: pipelineStatus(this.services),
      stats: statsOf(this.services, this.counts),
    });
  }

  private onMessage(ws: WebSocket, client: Client, data: RawData, isBinary: boolean): void {
    let id: RequestId | undefined;
    try {
      if (isBinary) throw new ScopeError('invalid_message', 'binary messages are not understood; send JSON text');
      let json: unknown;
      try {
        json = JSON.parse(rawText(data));
      } catch (err) {
        throw new ScopeError('bad_json', `message is not valid JSON: ${(err as Error).message}`);
      }
      id = idOf(json);
      const parsed = clientMessageSchema.safeParse(json);
      if (!parsed.success) throw new ScopeError('invalid_message', `invalid message: ${describeIssues(parsed.error)}`);
      this.handle(ws, client, parsed.data);
    } catch (err) {
      const e = toScopeError(err);
      if (e.code === 'internal') this.services.log(`WebSocket message failed: ${e.message}`);
      this.send(ws, id === undefined ? { type: 'error', error: e.toJSON() } : { type: 'error', error: e.toJSON(), id });
    }
  }

  private handle(ws: WebSocket, client: Client, msg: ClientMessage): void {
    switch (msg.type) {
      case 'set': {
        const options = msg.quantize === undefined ? {} : { quantize: msg.quantize };
        const { values, scheduled } = setParameters(this.services, msg.params, client.source, options);
        if (msg.id !== undefined) {
          this.send(
            ws,
            scheduled === undefined
              ? { type: 'ack', id: msg.id, values }
              : { type: 'ack', id: msg.id, values, scheduled },
          );
        }
        return;
      }
      case 'load': {
        // The preflight reads files: the answer (an ack, or the refusal) comes once it ran.
        const id = msg.id;
        startLoad(this.services, msg.pipeline_id, msg.params, { fadeMs: msg.fade_ms }).then(
          ({ started }) => id !== undefined && this.send(ws, { type: 'ack', id, status: started }),
          (err: unknown) => {
            const error = toScopeError(err).toJSON();
            this.send(ws, id === undefined ? { type: 'error', error } : { type: 'error', error, id });
          },
        );
        return;
      }
      case 'pause': {
        this.services.engine.setPaused(msg.paused);
        if (msg.id !== undefined) this.send(ws, { type: 'ack', id: msg.id, paused: msg.paused });
        return;
      }
      case 'command': {
        const detail = runCommand(this.services, msg.name, msg.value);
        if (msg.id !== undefined) {
          this.send(ws, detail === undefined ? { type: 'ack', id: msg.id } : { type: 'ack', id: msg.id, detail });
        }
        return;
      }
    }
  }

  private queueChange(source: string, path: string, value: ParamValue): void {
    if (this.clients.size === 0) return;
    if (this.pending.size === 0) queueMicrotask(() => this.flushChanges());
    const values = this.pending.get(source) ?? {};
    values[path] = value;
    this.pending.set(source, values);
  }

  private flushChanges(): void {
    const pending = this.pending;
    if (pending.size === 0) return;
    this.pending = new Map();
    for (const [source, values] of pending) {
      const text = JSON.stringify({ type: 'params', values, source } satisfies ServerMessage);
      for (const [ws, client] of this.clients) if (client.source !== source) this.sendText(ws, text);
    }
  }

  /** A load replaced the parameter set: changes queued before it go first, then the new set. */
  private replaced(owner: string | null): void {
    this.flushChanges();
    const { values, schema } = parameters(this.services);
    this.broadcast({ type: 'pipeline', pipeline: owner, values, schema });
  }

  private onStatus(): void {
    this.flushChanges();
    this.broadcast({ type: 'state', status: pipelineStatus(this.services) });
  }

  private sendStats(): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify({ type: 'stats', stats: statsOf(this.services, this.counts) } satisfies ServerMessage);
    // Stats are replaced four times a second: a socket that has not sent the last ones skips these.
    for (const ws of this.clients.keys()) if (ws.bufferedAmount <= this.o.statsBacklogBytes) this.sendText(ws, text);
  }

  private heartbeat(): void {
    for (const [ws, client] of this.clients) {
      if (!client.alive) {
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }

  private broadcast(msg: ServerMessage): void {
    const text = JSON.stringify(msg);
    for (const ws of this.clients.keys()) this.sendText(ws, text);
  }

  private send(ws: WebSocket, msg: ServerMessage): void {
    this.sendText(ws, JSON.stringify(msg));
  }

  private sendText(ws: WebSocket, text: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > this.o.maxBacklogBytes) {
      this.services.log(`dropping a WebSocket client that stopped reading (${ws.bufferedAmount} bytes queued)`);
      this.clients.delete(ws);
      ws.terminate();
      return;
    }
    ws.send(text);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

/** The id of a message that may be invalid otherwise, so that its error can still be matched to it. */
function idOf(json: unknown): RequestId | undefined {
  if (typeof json !== 'object' || json === null || !('id' in json)) return undefined;
  const parsed = requestIdSchema.safeParse(json.id);
  return parsed.success ? parsed.data : undefined;
}
