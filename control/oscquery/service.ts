import { createServer } from 'node:http';
import { boundConnections, connectionDefaults, serverTimeouts } from '../../src/media/connection-limits';
import { listenOn, listenOrSwitchOff } from '../../src/kernel/listen';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { BundleScheduler } from '../osc/bundle-scheduler';
import { decodePacket, encodeMessage, peekBundleTime } from '../osc/codec';
import { routeMessage, routerDeps } from '../osc/router';
import { OSC_PREFIX, addressSource, listAddresses } from '../osc/addresses';
import { MdnsAdvertiser } from './mdns';
import { accessRequestOf, upgradeRefusal } from '../../src/kernel/access';
import { allPaths, buildRoot, findNode, nodeArg } from './namespace';
import { eventValues } from './event-values';
import { topicEvent } from '../../src/shared/event-topics';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { RawData } from 'ws';
import type { OscMessage } from '../osc/codec';
import type { OscRouterDeps } from '../osc/router';
import type { OscQueryNode } from './namespace';
import type { TopicEvent } from '../../src/shared/event-topics';
import type { ScopeServices } from '../../src/kernel/services';
import type { AccessVerdict, RequestGuard } from '../../src/kernel/access';
import type { Duplex } from 'node:stream';

export interface OscQueryOptions {
  host: string;
  /** HTTP + WebSocket port; 0 picks a free one. */
  port: number;
  /** The OSC UDP port announced in HOST_INFO and over mDNS; 0 = OSC is off. */
  oscPort: number;
  /** The name clients show. */
  name: string;
  /** Advertise `_oscjson._tcp` and `_osc._udp` over mDNS on the local network; off unless asked for. */
  mdns: boolean;
  /** The server's request guard: Host, Origin and the LAN token, as on every other listener. */
  guard: RequestGuard | undefined;
  /**
   * Peers trusted without the token in LAN mode: the OSC allowlist, because OSCQuery clients such as
   * TouchDesigner cannot send one.
   */
  trusted: (address: string) => boolean;
  /** LISTENs one connection may hold; LISTENs on addresses that do not exist are ignored. */
  maxListens: number;
  /** Largest WebSocket message taken (binary OSC or a JSON command). */
  maxMessageBytes: number;
}

export const oscQueryDefaults: OscQueryOptions = {
  host: '127.0.0.1',
  port: 8001,
  oscPort: 0,
  name: 'daydream-scope',
  mdns: false,
  guard: undefined,
  trusted: () => false,
  maxListens: 1024,
  maxMessageBytes: 64 * 1024,
};

export interface OscQueryStatus {
  enabled: boolean;
  /** Why OSCQuery is off, when it is. */
  disabledReason: string | null;
  host: string;
  port: number;
  clients: number;
  /** Advertised over mDNS. */
  mdns: boolean;
}

export type OscQueryDeps = Pick<ScopeServices, 'params' | 'host' | 'registry' | 'log'> &
  Partial<Pick<ScopeServices, 'commands' | 'refusals' | 'events'>>;

const EXTENSIONS: Record<string, boolean> = { HTML: false };
for (const k of ['ACCESS', 'VALUE', 'RANGE', 'DESCRIPTION', 'UNIT', 'CLIPMODE', 'LISTEN', 'TYPE', 'FULL_PATH']) {
  EXTENSIONS[k] = true;
}
for (const k of ['CONTENTS', 'PATH_ADDED', 'PATH_REMOVED', 'PATH_CHANGED']) EXTENSIONS[k] = true;

const commandSchema = z.object({ COMMAND: z.enum(['LISTEN', 'IGNORE']), DATA: z.string() });

/**
 * OSCQuery (Vidvox proposal): the OSC address space as JSON over HTTP, LISTEN/IGNORE over a WebSocket on the
 * same port with values streamed as binary OSC, PATH_ADDED/PATH_REMOVED when the pipeline changes, and
 * binary OSC from clients routed like the OSC port's. A port in use switches it off with a sentence.
 */
export class OscQueryService {
  private readonly o: OscQueryOptions;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private boundPort = 0;
  private disabledReason: string | null = 'not started';
  private readonly listening = new Map<WebSocket, Set<string>>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly scheduler: BundleScheduler;
  private readonly router: OscRouterDeps;
  private readonly mdns: MdnsAdvertiser;
  private paths = new Set<string>();
  private pipeline: string | undefined;
  /** The last value streamed from an event, by address. */
  private readonly streamed = new Map<string, unknown>();
  /** The client whose message is being applied, so its own change is not echoed back to it. */
  private applying: WebSocket | undefined;

  constructor(
    private readonly deps: OscQueryDeps,
    options: Partial<OscQueryOptions> = {},
  ) {
    this.o = { ...oscQueryDefaults, ...options } satisfies OscQueryOptions;
    this.mdns = new MdnsAdvertiser(deps.log);
    this.router = routerDeps(deps, 'oscquery', 'OSCQuery');
    this.scheduler = new BundleScheduler({ onDrop: (why) => deps.refusals?.count(why) });
  }

  /** Listens on HTTP; resolves either way: when the port cannot be had, OSCQuery is off and says why. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer(serverTimeouts(connectionDefaults), (req, res) => {
      const verdict = this.admit(req, false);
      if (!verdict.ok) return reply(res, verdict.status, { error: verdict.message }, verdict.headers);
      this.answer(req, res);
    });
    // The same bounds as the server's own listener: slow headers cut, connections per address counted.
    boundConnections(server, connectionDefaults, this.deps.refusals);
    const failed = await listenOrSwitchOff(
      { what: 'OSCQuery', host: this.o.host, port: this.o.port, flag: '--oscquery-port' },
      () => listenOn(server, () => server.listen(this.o.port, this.o.host)),
      this.deps.log,
    );
    if (failed) {
      this.disabledReason = failed;
      return;
    }
    server.on('error', (err) => this.deps.log(`OSCQuery server error: ${err.message}`));
    this.server = server;
    this.boundPort = (server.address() as { port: number }).port;
    this.o.guard?.serve(this.boundPort);
    this.disabledReason = null;
    const wss = new WebSocketServer({ noServer: true, maxPayload: this.o.maxMessageBytes });
    server.on('upgrade', (req, socket: Duplex, head) => {
      const verdict = this.admit(req, true);
      if (!verdict.ok) return void socket.end(upgradeRefusal(verdict));
      wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws));
    });
    this.wss = wss;
    this.paths = allPaths(this.root());
    this.pipeline = this.deps.host.activeId;
    this.unsubscribe.push(
      this.deps.params.onChange((event) => {
        if (event.kind === 'replaced') this.namespaceChanged(event.owner ?? undefined);
        const values = event.kind === 'value' ? { [event.path]: event.value } : event.values;
        for (const [path, value] of Object.entries(values)) {
          const spec = this.deps.params.spec(path);
          if (spec) this.stream(`${OSC_PREFIX}/${path}`, { address: '', args: [nodeArg(spec, value)] });
        }
      }),
    );
    if (this.deps.events) {
      this.unsubscribe.push(this.deps.events.on((topic, data) => this.eventValues(topicEvent(topic, data))));
    }
    if (this.o.mdns) this.mdns.start({ name: this.o.name, httpPort: this.boundPort, oscPort: this.o.oscPort });
  }

  /** Closes every client, the HTTP server and the mDNS advertisement. */
  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.scheduler.clear();
    await this.mdns.stop();
    const server = this.server;
    const wss = this.wss;
    this.server = undefined;
    this.wss = undefined;
    if (!this.disabledReason) this.disabledReason = 'stopped';
    for (const ws of this.listening.keys()) ws.terminate();
    this.listening.clear();
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** The HTTP port bound, 0 while off. */
  get port(): number {
    return this.server ? this.boundPort : 0;
  }

  status(): OscQueryStatus {
    return {
      enabled: this.server !== undefined,
      disabledReason: this.disabledReason,
      host: this.o.host,
      port: this.port,
      clients: this.listening.size,
      mdns: this.server !== undefined && this.o.mdns,
    };
  }

  /** The server's guard, with OSC-allowlisted peers let in without the token (they cannot send one). */
  private admit(req: IncomingMessage, upgrade: boolean): AccessVerdict {
    if (!this.o.guard) return { ok: true, headers: {} };
    const verdict = this.o.guard.check(accessRequestOf(req, upgrade));
    if (!verdict.ok && verdict.status === 401 && this.o.trusted(req.socket.remoteAddress ?? '')) {
      return { ok: true, headers: {} };
    }
    return verdict;
  }

  private root(): OscQueryNode {
    const { params, host, registry } = this.deps;
    return buildRoot(listAddresses(addressSource(this.deps)), {
      value: (p) => params.get(p),
      activePipeline: host.activeId,
      pipelineIds: registry.ids(),
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://oscquery');
    const attribute = url.search.slice(1).split('&')[0] ?? '';
    if (req.method !== 'GET') return reply(res, 405, { error: 'OSCQuery answers GET only' });
    if (attribute === 'HOST_INFO') return reply(res, 200, this.hostInfo());
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return reply(res, 400, { error: `cannot read the path ${url.pathname}` });
    }
    const node = findNode(this.root(), path);
    if (!node) return reply(res, 404, { error: `no OSC address ${url.pathname}` });
    if (!attribute) return reply(res, 200, node);
    if (!(attribute in node)) return reply(res, 204);
    reply(res, 200, { [attribute]: node[attribute as keyof OscQueryNode] });
  }

  private hostInfo() {
    return {
      NAME: this.o.name,
      OSC_IP: this.o.host,
      OSC_PORT: this.o.oscPort,
      OSC_TRANSPORT: 'UDP',
      WS_IP: this.o.host,
      WS_PORT: this.boundPort,
      EXTENSIONS,
    };
  }

  private connect(ws: WebSocket): void {
    this.listening.set(ws, new Set());
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.listening.delete(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.receiveOsc(ws, bytes);
      else this.command(ws, bytes.toString('utf8'));
    });
  }

  private command(ws: WebSocket, text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = commandSchema.safeParse(json);
    // Commands this server does not know (other extensions) are ignored, as the proposal asks.
    if (!parsed.success) return;
    const paths = this.listening.get(ws);
    if (!paths) return;
    if (parsed.data.COMMAND === 'IGNORE') return void paths.delete(parsed.data.DATA);
    // Only addresses that exist, and only so many: a LISTEN costs memory for as long as the socket lives.
    if (paths.has(parsed.data.DATA) || !findNode(this.root(), parsed.data.DATA)) return;
    if (paths.size >= this.o.maxListens) return void this.deps.refusals?.count('oscquery_listens_full');
    paths.add(parsed.data.DATA);
  }

  private receiveOsc(ws: WebSocket, bytes: Buffer): void {
    const time = peekBundleTime(bytes);
    if (time !== undefined && !this.scheduler.admits(time, bytes.length)) return;
    const decoded = decodePacket(bytes);
    if (!decoded.ok) return this.deps.log(`OSCQuery: malformed OSC from a WebSocket client: ${decoded.reason}`);
    const run = (message: OscMessage) => {
      this.applying = ws;
      try {
        const outcome = routeMessage(this.router, message);
        if (outcome.kind === 'reply') send(ws, encodeMessage(outcome.message));
        else if (outcome.kind === 'error') this.deps.log(`OSCQuery: ${outcome.detail}`);
      } finally {
        this.applying = undefined;
      }
    };
    this.scheduler.run(decoded.packet, run, bytes.length);
  }

  /** Sends `message` (its address filled in) to every client listening to `address`. */
  private stream(address: string, message: OscMessage): void {
    let bytes: Uint8Array | undefined;
    for (const [ws, paths] of this.listening) {
      if (ws === this.applying || !paths.has(address)) continue;
      bytes ??= encodeMessage({ ...message, address });
      send(ws, bytes);
    }
  }

  /** Streams what an event changed (see event-values.ts); a tempo event comes every beat, so only new values. */
  private eventValues(event: TopicEvent): void {
    for (const { address, arg } of eventValues(event)) {
      if (this.streamed.get(address) === arg.value) continue;
      this.streamed.set(address, arg.value);
      this.stream(address, { address: '', args: [arg] });
    }
  }

  /** After a pipeline switch: tells clients which paths went and came, and the new pipeline id. */
  private namespaceChanged(active: string | undefined): void {
    const paths = allPaths(this.root());
    const removed = [...this.paths].filter((p) => !paths.has(p));
    const added = [...paths].filter((p) => !this.paths.has(p));
    this.paths = paths;
    for (const p of removed) this.broadcast({ COMMAND: 'PATH_REMOVED', DATA: p });
    for (const p of added) this.broadcast({ COMMAND: 'PATH_ADDED', DATA: p });
    if (active !== this.pipeline) {
      this.pipeline = active;
      // A node's RANGE/VALUE may differ under the same name (another pipeline's `level`): refresh it all.
      if (removed.length === 0 && added.length === 0) this.broadcast({ COMMAND: 'PATH_CHANGED', DATA: '/' });
      this.stream(`${OSC_PREFIX}/pipeline`, { address: '', args: [{ type: 's', value: active ?? '' }] });
    }
  }

  private broadcast(command: { COMMAND: string; DATA: string }): void {
    const text = JSON.stringify(command);
    for (const ws of this.listening.keys()) if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }
}

function send(ws: WebSocket, bytes: Uint8Array): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(bytes, { binary: true });
}

function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
}
