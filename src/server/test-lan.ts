/**
 * Run by lan.test.ts inside a network namespace of its own that holds 10.77.0.1 and 10.77.0.2: the server listens on 0.0.0.0 (LAN mode) and the "other machines" are sockets bound to those
 * addresses, so nothing here reaches a real network. Prints one JSON line of what each client saw.
 */
import { createSocket } from 'node:dgram';
import { mkdtemp, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { encodeMessage } from '../../control/osc/codec';
import { startScope } from '../main';
import { solidPipeline } from '../engine/test-support';

const configDir = await mkdtemp(join(tmpdir(), 'scope-lan-'));
const scope = await startScope({
  host: '0.0.0.0',
  port: 0,
  oscQueryPort: 0,
  pipelines: [solidPipeline()],
  pipeline: 'solid',
  width: 64,
  height: 64,
  waitForLoad: true,
  configDir,
  oscAllow: ['10.77.0.2'],
  midi: false,
  log: () => {},
});
const token = scope.token ?? '';

type Answer = { status: number; cookie: string | null; location: string | null };
/** An HTTP request from `from` to this machine's LAN address. */
function http(path: string, from: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '10.77.0.1', port: scope.port, path, method, localAddress: from, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          cookie: ([res.headers['set-cookie']].flat()[0] as string | undefined) ?? null,
          location: res.headers.location ?? null,
        }),
      );
    });
    req.on('error', reject);
    req.end(method === 'GET' ? undefined : '{"level": 99}');
  });
}

/** A WebSocket from `from`; the HTTP status it was refused with, or 101 when it opened. */
function ws(url: string, from: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { localAddress: from, headers });
    socket.once('open', () => (socket.close(), resolve(101)));
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', () => resolve(0));
  });
}

/** One OSC message from `from`; resolves with the level once the server has applied or refused it. */
async function osc(from: string, level: number): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, from, resolve));
  const refused = () => scope.services.refusals.snapshot().osc_sender_not_allowed ?? 0;
  const before = refused();
  const bytes = encodeMessage({ address: '/scope/level', args: [{ type: 'i', value: level }] });
  await new Promise<void>((resolve) => socket.send(bytes, scope.osc!.port, '10.77.0.1', () => resolve()));
  socket.close();
  // UDP has no answer (none at all to a refused sender): wait until the packet has been applied or counted.
  const handled = () => scope.services.params.get('level') === level || refused() > before;
  for (const end = Date.now() + 5000; !handled() && Date.now() < end;) await new Promise((r) => setImmediate(r));
  return scope.services.params.get('level') as number;
}

const host = `10.77.0.1:${scope.port}`;
const result = {
  // Left at its default, mDNS advertises in LAN mode (the namespace has no route for multicast: it goes nowhere).
  mdns: scope.oscQuery!.status().mdns,
  tokenFileMode: ((await stat(join(configDir, 'token'))).mode & 0o777).toString(8),
  noToken: await http('/api/v1/stats', '10.77.0.1', { host }),
  bearer: await http('/api/v1/stats', '10.77.0.1', { host, authorization: `Bearer ${token}` }),
  wrongBearer: await http('/api/v1/stats', '10.77.0.1', { host, authorization: 'Bearer wrong-token-wrong-token' }),
  openUrl: await http(`/?token=${token}`, '10.77.0.1', { host }),
  cookie: await http('/api/v1/stats', '10.77.0.1', { host, cookie: `daydream_scope_token=${token}` }),
  patchNoToken: await http('/api/v1/parameters', '10.77.0.1', { host, 'content-type': 'application/json' }, 'PATCH'),
  levelAfterRefusedPatch: scope.services.params.get('level'),
  thisMachine: await http('/api/v1/stats', '127.0.0.1', { host: `127.0.0.1:${scope.port}` }),
  badHost: await http('/api/v1/stats', '10.77.0.1', {
    host: `evil.example:${scope.port}`,
    authorization: `Bearer ${token}`,
  }),
  wsNoToken: await ws(`ws://10.77.0.1:${scope.port}/ws`, '10.77.0.1'),
  wsToken: await ws(`ws://10.77.0.1:${scope.port}/ws`, '10.77.0.1', { authorization: `Bearer ${token}` }),
  oscQueryNoToken: await ws(`ws://10.77.0.1:${scope.oscQuery!.port}/`, '10.77.0.1'),
  oscQueryAllowlisted: await ws(`ws://10.77.0.1:${scope.oscQuery!.port}/`, '10.77.0.2'),
  oscFromStranger: await osc('10.77.0.1', 42),
  oscFromAllowed: await osc('10.77.0.2', 43),
  // The page of the printed token URL (its LAN address and the server's port) may change things; another port of
  // that address may not, token or not.
  tokenPageOrigin: await http(
    '/api/v1/parameters',
    '10.77.0.2',
    {
      host,
      origin: `http://${host}`,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    'PATCH',
  ),
  otherPortOrigin: await http(
    '/api/v1/parameters',
    '10.77.0.2',
    {
      host,
      origin: `http://10.77.0.1:${scope.port === 9999 ? 9998 : 9999}`,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    'PATCH',
  ),
  refused: scope.services.refusals.snapshot(),
};
await scope.stop();
console.log(JSON.stringify(result));
process.exit(0);
