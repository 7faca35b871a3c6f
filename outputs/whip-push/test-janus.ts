/**
 * A real SFU on this machine for tests and the bench: Debian's janus (VideoRoom) with Debian's simple-whip-server
 * in front of it, both on 127.0.0.1 and ephemeral ports, in a folder of their own that stop() removes. What a
 * publisher sends comes out through janus's RTP forwarder to a UDP port, where ffmpeg decodes it
 * (test-rtp-subscriber.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePort, stopChild } from '../../src/server/test-support';

const ROOT = resolve(import.meta.dirname, '../..');
const WHIP_SERVER = join(ROOT, 'node_modules/.cache/simple-whip-server');
const JANUS_LIB = '/usr/lib/x86_64-linux-gnu/janus';
const ROOM = 1234;

export interface JanusSfu {
  /** The WHIP endpoint (simple-whip-server) that publishes into the VideoRoom. */
  whipUrl: string;
  token: string;
  /** Forwards the room's publisher to 127.0.0.1:`port` as RTP (VP8, payload type 96). */
  forward(port: number): Promise<void>;
  /** Publishers in the room now. */
  publishers(): Promise<number>;
  logs(): string;
  stop(): Promise<void>;
}

/** Starts janus and simple-whip-server (unpacked first by sfu/fetch-simple-whip-server.sh when missing). */
export async function startJanusSfu(token = 'scope-test-token'): Promise<JanusSfu> {
  if (!existsSync('/usr/bin/janus')) throw new Error('janus is not installed (apt-get install janus)');
  const fetched = spawnSync('bash', [join(ROOT, 'outputs/whip-push/sfu/fetch-simple-whip-server.sh')], {
    encoding: 'utf8',
  });
  if (fetched.status !== 0) throw new Error(`could not unpack simple-whip-server: ${fetched.stderr}`);
  const dir = await mkdtemp(join(tmpdir(), 'scope-janus-'));
  const [httpPort, wsPort, whipPort] = [await freePort(), await freePort(), await freePort()];
  // Media ports of this janus, away from other test runs (ephemeral UDP ports are above 32768).
  const rtpBase = 20_000 + (process.pid % 100) * 100;
  await writeJanusConfig(dir, { httpPort, wsPort, rtpBase });
  const children: ChildProcess[] = [];
  let log = '';
  const heard: (() => void)[] = [];
  const keep = (child: ChildProcess) => {
    children.push(child);
    const hear = (d: Buffer) => {
      log += d.toString();
      for (const check of [...heard]) check();
    };
    child.stdout?.on('data', hear);
    child.stderr?.on('data', hear);
    return child;
  };
  /** Resolves once the processes' output matches `pattern` (they say when they are ready); no polling. */
  const says = (pattern: RegExp, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}\n${log.slice(-2000)}`)), 15_000);
      const check = () => {
        if (!pattern.test(log)) return;
        clearTimeout(timer);
        heard.splice(heard.indexOf(check), 1);
        resolve();
      };
      heard.push(check);
      check();
    });
  const stop = async () => {
    for (const c of children.reverse()) await stopChild(c);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    keep(spawn('janus', ['-C', join(dir, 'janus.jcfg'), '-F', dir, '-o'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const janus = `http://127.0.0.1:${httpPort}/janus`;
    // Plugins load before transports: once both transports say they started, the VideoRoom answers.
    await says(new RegExp(`HTTP webserver started \\(port ${httpPort}`), "janus's HTTP transport");
    await says(new RegExp(`Websockets server started \\(port ${wsPort}\\)`), "janus's WebSocket transport");

    const app = join(dir, 'whip');
    await cp(join(WHIP_SERVER, 'root/usr/share/simple-whip-server'), app, { recursive: true });
    await rm(join(app, 'src/config.js'), { force: true });
    const config = { janus: { address: `ws://127.0.0.1:${wsPort}` }, port: whipPort, rest: '/whip', iceServers: [] };
    await writeFile(join(app, 'src/config.js'), `module.exports = ${JSON.stringify(config)};\n`);
    // simple-whip-server listens on every interface; the launcher makes its one listen() take 127.0.0.1.
    await writeFile(
      join(app, 'src/loopback.js'),
      "const http = require('http');\nconst listen = http.Server.prototype.listen;\n" +
        "http.Server.prototype.listen = function (port, cb) { return listen.call(this, port, '127.0.0.1', cb); };\n" +
        "require('./server.js');\n",
    );
    const nodePath = ['usr/share/nodejs', 'usr/lib/x86_64-linux-gnu/nodejs'].map((p) => join(WHIP_SERVER, 'root', p));
    keep(
      spawn(process.execPath, ['src/loopback.js'], {
        cwd: app,
        env: {
          PATH: process.env.PATH,
          NODE_PATH: nodePath.join(':'),
          DEBUG: 'whip:*,-whip:debug,janus:*,-janus:vdebug,-janus:debug',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const whip = `http://127.0.0.1:${whipPort}/whip`;
    // It prints its checks once it is connected to janus and its REST API listens.
    await says(/'Janus OK', 'WHIP REST API OK'/, 'simple-whip-server to connect to janus');
    const created = await fetch(`${whip}/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'scope', room: ROOM, token }),
    });
    if (!created.ok) throw new Error(`simple-whip-server refused the endpoint: ${await created.text()}`);

    const handle = await videoroomHandle(janus);
    return {
      whipUrl: `${whip}/endpoint/scope`,
      token,
      forward: async (port) => {
        // Called once janus lists the publisher (its PeerConnection up), so there is one to forward.
        const publisher = (await participants(handle))[0];
        if (publisher === undefined) throw new Error(`no publisher in the room\n${log.slice(-2000)}`);
        const r = await request(handle, {
          request: 'rtp_forward',
          room: ROOM,
          publisher_id: publisher,
          host: '127.0.0.1',
          host_family: 'ipv4',
          streams: [{ mid: '0', port, pt: 96 }],
        });
        if (r.videoroom !== 'rtp_forward') throw new Error(`rtp_forward failed: ${JSON.stringify(r)}`);
      },
      publishers: async () => (await participants(handle)).length,
      logs: () => log,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function writeJanusConfig(dir: string, p: { httpPort: number; wsPort: number; rtpBase: number }) {
  // Every plugin but the VideoRoom is switched off.
  const unused = ['audiobridge', 'duktape', 'echotest', 'lua', 'nosip', 'recordplay', 'sip', 'streaming'];
  unused.push('textroom', 'videocall', 'voicemail');
  const files: Record<string, string> = {
    'janus.jcfg': `general: {
  configs_folder = "${dir}"
  plugins_folder = "${JANUS_LIB}/plugins"
  transports_folder = "${JANUS_LIB}/transports"
  events_folder = "${JANUS_LIB}/events"
  loggers_folder = "${JANUS_LIB}/loggers"
  debug_level = 4
}
media: { rtp_port_range = "${p.rtpBase}-${p.rtpBase + 99}" }
nat: { ice_enforce_list = "127.0.0.1" }
plugins: { disable = "${unused.map((n) => `libjanus_${n}.so`).join(',')}" }
transports: { disable = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so" }
events: { broadcast = false }
loggers: { disable = "libjanus_jsonlog.so" }
`,
    'janus.transport.http.jcfg': `general: { json = "plain" base_path = "/janus" http = true port = ${p.httpPort} ip = "127.0.0.1" https = false }
admin: { admin_http = false }
`,
    'janus.transport.websockets.jcfg': `general: { json = "plain" ws = true ws_port = ${p.wsPort} ws_ip = "127.0.0.1" wss = false }
admin: { admin_ws = false }
`,
    // One publisher, VP8, a keyframe asked for every second (so a subscriber that joins late starts soon).
    'janus.plugin.videoroom.jcfg': `general: { }
room-${ROOM}: { description = "scope" publishers = 1 bitrate = 8000000 fir_freq = 1 videocodec = "vp8" }
`,
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
}

type Json = Record<string, unknown>;

async function post(url: string, body: Json): Promise<Json> {
  try {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify({ transaction: 't', ...body }) });
    return (await res.json()) as Json;
  } catch {
    return {};
  }
}

async function videoroomHandle(janus: string): Promise<string> {
  const session = ((await post(janus, { janus: 'create' })).data as { id: number }).id;
  const handle = (
    (await post(`${janus}/${session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' })).data as {
      id: number;
    }
  ).id;
  return `${janus}/${session}/${handle}`;
}

async function request(handle: string, body: Json): Promise<Json> {
  const r = await post(handle, { janus: 'message', body });
  return ((r.plugindata as { data?: Json } | undefined)?.data ?? r) as Json;
}

async function participants(handle: string): Promise<number[]> {
  const r = await request(handle, { request: 'listparticipants', room: ROOM });
  return ((r.participants as { id: number; publisher: boolean }[] | undefined) ?? [])
    .filter((p) => p.publisher)
    .map((p) => p.id);
}
