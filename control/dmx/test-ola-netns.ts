/**
 * Run by ola.test.ts as root inside a network namespace of its own (A). Open Lighting Architecture's olad runs in a
 * second namespace (B) joined to A by a veth pair: 10.77.0.1 here, 10.77.0.2 there. Two namespaces because olad
 * binds 0.0.0.0:6454 and 0.0.0.0:5568 itself (so it cannot share a host with our listeners), and because its E1.31
 * plugin will not start on loopback alone (it insists on a non-loopback interface). Nothing leaves the two.
 *
 * Both directions, both protocols: OLA sends Art-Net (its ArtNet output port, found through our ArtPollReply) and
 * sACN multicast into our DmxService, listening "on the LAN" (0.0.0.0 of namespace A); our DmxOutput sends Art-Net
 * unicast and sACN multicast into OLA's input ports, read back through OLA's HTTP API. Prints one JSON line.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DmxService } from './service';
import { parseAllowlist } from '../osc/allowlist';
import { DmxOutput } from '../../outputs/dmx/dmx-output';
import { p } from '../../src/params/spec';
import { ParamStore } from '../../src/params/store';
import type { OutputFrame } from '../../outputs/output';

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const logs: string[] = [];
// olad, its clients and the kernel's multicast run in other processes on the wall clock: poll what they bring.
const until = async (check: () => boolean | Promise<boolean>, ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    try {
      if (await check()) return true;
    } catch {
      // not yet
    }
  }
  return false;
};

// Namespace B: a process that holds it, then the veth's far end moved in.
const holder = spawn('unshare', ['-n', 'sleep', '300'], { stdio: 'ignore' });
await until(() => sh('readlink', [`/proc/${holder.pid}/ns/net`]) !== sh('readlink', ['/proc/self/ns/net']), 5000);
const inB = (cmd: string[]) => sh('nsenter', ['-t', String(holder.pid), '-n', ...cmd]);
sh('ip', ['link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb']);
sh('ip', ['link', 'set', 'vb', 'netns', String(holder.pid)]);
sh('ip', ['addr', 'add', '10.77.0.1/24', 'brd', '+', 'dev', 'va']);
sh('ip', ['link', 'set', 'va', 'up']);
sh('ip', ['route', 'add', '224.0.0.0/4', 'dev', 'va']);
inB(['ip', 'link', 'set', 'lo', 'up']);
// With its broadcast address set: Art-Net polls (and OLA finds its nodes) by broadcast.
inB(['ip', 'addr', 'add', '10.77.0.2/24', 'brd', '+', 'dev', 'vb']);
inB(['ip', 'link', 'set', 'vb', 'up']);
inB(['ip', 'route', 'add', '224.0.0.0/4', 'dev', 'vb']);

// olad's own config dir: Art-Net and E1.31 on the veth, every other plugin off. olad will not run as root.
const conf = mkdtempSync(join(tmpdir(), 'scope-ola-'));
chmodSync(conf, 0o777);
const write = (name: string, text: string) => {
  writeFileSync(join(conf, name), text);
  chmodSync(join(conf, name), 0o666);
};
write('ola-artnet.conf', 'enabled = true\nip = 10.77.0.2\n');
write('ola-e131.conf', 'enabled = true\nip = 10.77.0.2\n');
for (const off of 'dummy espnet kinet opendmx osc pathport sandnet shownet spi stageprofi usbdmx usbserial uartdmx ftdidmx karate milinst renard openpixelcontrol gpio dmx4linux nanoleaf'.split(
  ' ',
)) {
  write(`ola-${off}.conf`, 'enabled = false\n');
}
const HTTP = 9090;
const olad = spawn(
  'nsenter',
  [
    '-t',
    String(holder.pid),
    '-n',
    'setpriv',
    '--reuid=olad',
    '--regid=nogroup',
    '--clear-groups',
    'olad',
    '-c',
    conf,
    '--http-port',
    String(HTTP),
    '--no-register-with-dns-sd',
    '-l',
    '4',
  ],
  { stdio: process.env.OLA_DEBUG ? ['ignore', 'inherit', 'inherit'] : 'ignore' },
);
// However this process ends (a failed step, the test's timeout), olad and namespace B go with it.
process.on('exit', () => {
  olad.kill();
  holder.kill();
});
process.on('SIGTERM', () => process.exit(1));
const devices = async () => {
  const text = inB(['ola_dev_info']);
  const id = (name: string) =>
    text
      .split('\n')
      .map((l) => /^Device (\d+): (.*)$/.exec(l))
      .find((m) => m?.[2]?.startsWith(name))?.[1];
  return { art: id('ArtNet'), e131: id('E1.31') };
};
let ids = { art: undefined as string | undefined, e131: undefined as string | undefined };
const up = await until(async () => {
  ids = await devices();
  return ids.art !== undefined && ids.e131 !== undefined;
}, 15_000);

const params = new ParamStore();
params.define({ level: p.number(0, { min: 0, max: 1 }), hue: p.number(0, { min: 0, max: 360 }) });
const service = new DmxService(
  { params, log: (m) => logs.push(m) },
  {
    artnet: { host: '0.0.0.0', port: 6454 },
    sacn: { host: '0.0.0.0', port: 5568 },
    mappingsFile: join(conf, 'dmx-mappings.json'),
    // LAN mode as src/main.ts runs it: only the allowlisted senders (here OLA's side of the link) are heard.
    allow: (address) => parseAllowlist(['10.77.0.0/24']).allows(address),
  },
);
await service.start();
await service.replaceMappings([
  { param: 'level', protocol: 'artnet', universe: 1, channel: 1 },
  { param: 'hue', protocol: 'sacn', universe: 2, channel: 1, fine: 2 },
]);

// Patched once we listen: OLA polls when an output port is patched, and sends only to nodes that answered.
// OLA universes: 1 Art-Net out (to us), 2 sACN out (to us), 3 Art-Net in (from us), 4 sACN in (from us).
if (up) {
  inB(['ola_patch', '-d', ids.art!, '-p', '0', '-u', '1']);
  inB(['ola_patch', '-d', ids.e131!, '-p', '0', '-u', '2']);
  inB(['ola_patch', '-d', ids.art!, '-p', '0', '-i', '-u', '3']);
  inB(['ola_patch', '-d', ids.e131!, '-p', '0', '-i', '-u', '4']);
}

// OLA -> us. ola_set_dmx for Art-Net (OLA sends it to the nodes whose ArtPollReply lists universe 1: us), and the
// streaming client for sACN (multicast to 239.255.0.2).
const fromOla = { artnet: false, sacn: false };
if (up) {
  fromOla.artnet = await until(() => {
    inB(['ola_set_dmx', '-u', '1', '-d', '51']);
    service.flush();
    return params.get('level') === 0.2;
  }, 15_000);
  fromOla.sacn = await until(() => {
    inB(['sh', '-c', 'echo 128,0 | ola_streaming_client -u 2']);
    service.flush();
    return Math.abs((params.get('hue') as number) - (0x8000 / 65535) * 360) < 1e-9;
  }, 15_000);
}

// us -> OLA: a picture of one colour onto a 2-pixel RGB strip over Art-Net, and the cue number over sACN multicast.
const frame: OutputFrame = (() => {
  const data = new Uint8Array(4 * 4).fill(0);
  for (let i = 0; i < 4; i++) data.set([10, 120, 230, 255], i * 4);
  return { width: 2, height: 2, data, seq: 0, timestamp: 0, pipelineId: 'x', repeated: false, pixels: () => data };
})();
const show = { value: () => undefined, spec: () => undefined, beat: () => 0, beatsPerBar: () => 4, cue: () => 6 };
const art = new DmxOutput(
  'a',
  {
    protocol: 'artnet',
    host: '10.77.0.2',
    fixtures: [
      {
        kind: 'grid',
        universe: 3,
        address: 1,
        mode: 'rgb',
        columns: 2,
        rows: 1,
        x: 0,
        y: 0,
        width: 1,
        height: 1,
        order: 'rows',
      },
    ],
  },
  show,
);
const acn = new DmxOutput(
  's',
  { protocol: 'sacn', host: 'multicast', channels: [{ source: 'cue', universe: 4, channel: 3 }] },
  show,
);
await art.start();
await acn.start();
const olaLevels = async (u: number) =>
  ((await (await fetch(`http://10.77.0.2:${HTTP}/get_dmx?u=${u}`)).json()) as { dmx: number[] }).dmx;
const toOla = { artnet: [] as number[], sacn: [] as number[] };
if (up) {
  await until(async () => {
    art.accept(frame);
    acn.accept(frame);
    toOla.artnet = (await olaLevels(3)).slice(0, 6);
    toOla.sacn = (await olaLevels(4)).slice(0, 3);
    return toOla.artnet[5] === 230 && toOla.sacn[2] === 7;
  }, 15_000);
}

const status = service.status();
await art.stop();
await acn.stop();
await service.stop();
const exited = new Promise((resolve) => olad.once('exit', resolve));
olad.kill();
// olad saves its preferences on the way out: the directory goes once it has.
await exited;
holder.kill();
rmSync(conf, { recursive: true, force: true });
console.log(
  JSON.stringify({
    olaUp: up,
    fromOla,
    toOla,
    received: { artnet: status.artnet.received, sacn: status.sacn.received },
    rejected: { artnet: status.artnet.rejected, sacn: status.sacn.rejected },
    logs,
  }),
);
process.exit(0);
