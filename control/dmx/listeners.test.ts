import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeArtnet, encodeArtDmx, encodeArtPoll } from '../../src/media/artnet';
import { encodeSacn } from '../../src/media/sacn';
import { dmxRig, universe } from './test-support';
import type { DmxRig } from './test-support';
import type { Socket } from 'node:dgram';

const rigs: DmxRig[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

async function sender(): Promise<Socket> {
  const s = createSocket('udp4');
  sockets.push(s);
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

/** Waits (on the event loop, not a clock) until the listener has counted `n` datagrams. */
async function heard(count: () => number, n: number): Promise<void> {
  while (count() < n) await new Promise((resolve) => setImmediate(resolve));
}

describe('the listeners on real sockets (127.0.0.1, ephemeral ports)', () => {
  it('Art-Net: ArtDmx moves a parameter; an ArtPoll is answered with the mapped universes; late and junk packets are counted', async () => {
    const r = await dmxRig({ artnet: { host: '127.0.0.1', port: 0 } });
    rigs.push(r);
    await r.service.replaceMappings([{ param: 'level', protocol: 'artnet', universe: 0x12, channel: 5 }]);
    const port = r.service.status().artnet.port;
    expect(port).toBeGreaterThan(0);
    const desk = await sender();
    desk.send(encodeArtDmx(0x12, universe({ 5: 255 }).subarray(0, 8), 2), port, '127.0.0.1');
    await heard(() => r.service.status().artnet.received, 1);
    desk.send(encodeArtDmx(0x12, universe({ 5: 0 }).subarray(0, 8), 1), port, '127.0.0.1'); // late: dropped
    desk.send(Buffer.from('hello'), port, '127.0.0.1');
    const reply = once(desk, 'message');
    desk.send(encodeArtPoll(), port, '127.0.0.1');
    const [data] = (await reply) as [Buffer];
    expect(decodeArtnet(data)).toMatchObject({ ok: true, packet: { op: 'poll-reply', universes: [0x12] } });
    await heard(() => r.service.status().artnet.received, 4);
    r.service.flush();
    expect(r.params.get('level')).toBe(1);
    expect(r.service.status().artnet.rejected).toEqual({ short: 1, out_of_order: 1 });
  });

  it('sACN: unicast data moves a parameter; out-of-order and preview packets are counted, not applied', async () => {
    const r = await dmxRig({ sacn: { host: '127.0.0.1', port: 0 } });
    rigs.push(r);
    await r.service.replaceMappings([{ param: 'level', protocol: 'sacn', universe: 7, channel: 1 }]);
    const port = r.service.status().sacn.port;
    const desk = await sender();
    const cid = Buffer.alloc(16, 1);
    const send = (sequence: number, level: number, preview = false) =>
      desk.send(
        encodeSacn({ cid, sourceName: 'desk', universe: 7, sequence, data: universe({ 1: level }), preview }),
        port,
        '127.0.0.1',
      );
    send(10, 51);
    await heard(() => r.service.status().sacn.received, 1);
    send(9, 255); // arrived late: dropped
    send(11, 255, true); // preview: for visualisers
    await heard(() => r.service.status().sacn.received, 3);
    r.service.flush();
    expect(r.params.get('level')).toBe(0.2);
    expect(r.service.status().sacn.rejected).toEqual({ out_of_order: 1, preview: 1 });
  });

  it('universes no mapping reads are refused before they cost memory; a flood of polls gets one reply', async () => {
    const r = await dmxRig({ artnet: { host: '127.0.0.1', port: 0 } });
    rigs.push(r);
    await r.service.replaceMappings([{ param: 'level', protocol: 'artnet', universe: 0, channel: 1 }]);
    const port = r.service.status().artnet.port;
    const desk = await sender();
    for (let u = 1; u <= 5; u++) desk.send(encodeArtDmx(u, universe().subarray(0, 2)), port, '127.0.0.1');
    const replies: Buffer[] = [];
    desk.on('message', (m) => replies.push(m));
    for (let i = 0; i < 5; i++) desk.send(encodeArtPoll(), port, '127.0.0.1');
    await heard(() => r.service.status().artnet.received, 10);
    expect(r.service.status().artnet.rejected).toEqual({ unmapped: 5, poll_flood: 4 });
    expect(r.service.input.levels('artnet', 3)).toBeUndefined();
    await heard(() => replies.length, 1);
    // ManualTimers: time stands still, so the next poll is still too soon; moved past the interval, it is answered.
    r.timers.advance(100);
    desk.send(encodeArtPoll(), port, '127.0.0.1');
    await heard(() => replies.length, 2);
  });

  it('in LAN mode only allowed senders are heard, as for OSC', async () => {
    const r = await dmxRig({ artnet: { host: '127.0.0.1', port: 0 }, allow: (address) => address === '10.0.0.9' });
    rigs.push(r);
    await r.service.replaceMappings([{ param: 'level', protocol: 'artnet', universe: 0, channel: 1 }]);
    const desk = await sender();
    desk.send(encodeArtDmx(0, universe({ 1: 255 }).subarray(0, 2)), r.service.status().artnet.port, '127.0.0.1');
    await heard(() => r.service.status().artnet.received, 1);
    r.service.flush();
    expect(r.params.get('level')).toBe(0.5);
    expect(r.service.status().artnet.rejected).toEqual({ sender_not_allowed: 1 });
  });

  it('a port already taken switches the listener off with a sentence; the service goes on', async () => {
    const taken = await sender();
    const port = taken.address().port;
    const r = await dmxRig({ artnet: { host: '127.0.0.1', port } });
    rigs.push(r);
    expect(r.service.status().artnet).toMatchObject({
      enabled: false,
      reason: `Art-Net port ${port} already in use on 127.0.0.1; Art-Net is off.`,
    });
  });
});
