import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DmxOutput } from './dmx-output';
import { decodeArtnet } from '../../src/media/artnet';
import { decodeSacn } from '../../src/media/sacn';
import { writeSources } from './channel-sources';
import { p } from '../../src/params/spec';
import { OutputHub } from '../hub';
import type { ShowReadings } from './channel-sources';
import type { Socket } from 'node:dgram';
import type { OutputFrame } from '../output';

const specs = { level: p.number(0.5, { min: 0, max: 1 }), mode: p.enum('a', ['a', 'b', 'c', 'd']), on: p.bool(true) };
const show = (over: Partial<ShowReadings> = {}): ShowReadings => ({
  value: (path) => ({ level: 0.25, mode: 2, on: true })[path],
  spec: (path) => specs[path as keyof typeof specs],
  beat: () => 6.5,
  beatsPerBar: () => 4,
  cue: () => 2,
  ...over,
});

const frame = (rgb: [number, number, number]): OutputFrame => {
  const data = new Uint8Array(2 * 2 * 4);
  for (let i = 0; i < 4; i++) data.set([...rgb, 255], i * 4);
  return { width: 2, height: 2, data, seq: 0, timestamp: 0, pipelineId: 't', repeated: false, pixels: () => data };
};

describe('channel sources', () => {
  it('parameters, the beat and the cue number on channels', () => {
    const universes = new Map<number, Uint8Array>();
    writeSources(
      [
        { source: 'param', universe: 1, channel: 1, param: 'level' },
        { source: 'param', universe: 1, channel: 2, fine: 3, param: 'level' },
        { source: 'param', universe: 1, channel: 4, param: 'mode' },
        { source: 'param', universe: 1, channel: 5, param: 'on' },
        { source: 'param', universe: 1, channel: 6, param: 'gone' },
        { source: 'beat', universe: 1, channel: 7 },
        { source: 'bar-beat', universe: 1, channel: 8 },
        { source: 'cue', universe: 1, channel: 9 },
      ],
      show(),
      universes,
    );
    const level16 = Math.round(0.25 * 65535);
    expect([...universes.get(1)!.subarray(0, 9)]).toEqual([64, level16 >> 8, level16 & 0xff, 159, 255, 0, 128, 3, 3]);
  });
});

const sockets: Socket[] = [];
const hubs: OutputHub[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const h of hubs.splice(0)) await h.stop();
});

async function receiver(): Promise<{ port: number; next: () => Promise<Buffer> }> {
  const s = createSocket('udp4');
  sockets.push(s);
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const queue: Buffer[] = [];
  s.on('message', (m) => queue.push(m));
  return {
    port: s.address().port,
    next: async () => {
      while (queue.length === 0) await new Promise((resolve) => setImmediate(resolve));
      return queue.shift()!;
    },
  };
}

describe('DmxOutput through the hub', () => {
  it('is listed with its state, sends the picture over Art-Net to 127.0.0.1, and no faster than rateHz', async () => {
    const rx = await receiver();
    let now = 0;
    const out = new DmxOutput(
      'dmx',
      {
        port: rx.port,
        rateHz: 40,
        fixtures: [
          {
            kind: 'grid',
            universe: 3,
            address: 1,
            mode: 'rgb',
            columns: 1,
            rows: 1,
            x: 0,
            y: 0,
            width: 1,
            height: 1,
            order: 'rows',
          },
        ],
      },
      show(),
      () => now,
    );
    const hub = new OutputHub();
    hubs.push(hub);
    hub.add(out, true);
    await hub.start();
    expect(hub.info('dmx')).toMatchObject({ kind: 'dmx', state: 'running', available: true });
    out.accept(frame([10, 20, 30]));
    now = 10; // a 100 Hz engine: this one is skipped (40 Hz = every 25 ms)
    out.accept(frame([99, 99, 99]));
    now = 25;
    out.accept(frame([40, 50, 60]));
    const first = decodeArtnet(await rx.next());
    const second = decodeArtnet(await rx.next());
    expect(first).toMatchObject({ ok: true, packet: { op: 'dmx', universe: 3, sequence: 1 } });
    expect(first.ok && [...(first.packet.op === 'dmx' ? first.packet.data.subarray(0, 3) : [])]).toEqual([10, 20, 30]);
    expect(second.ok && second.packet.op === 'dmx' && [...second.packet.data.subarray(0, 3)]).toEqual([40, 50, 60]);
    expect(hub.info('dmx').urls).toEqual([`artnet 127.0.0.1:${rx.port}, universes 3`]);
  });

  it('sends sACN with the priority and a sequence per universe; a bad patch is refused with a sentence', async () => {
    const rx = await receiver();
    const out = new DmxOutput(
      'dmx',
      { protocol: 'sacn', port: rx.port, priority: 150, channels: [{ source: 'cue', universe: 9, channel: 512 }] },
      show(),
    );
    await out.start();
    out.accept(frame([0, 0, 0]));
    const packet = decodeSacn(await rx.next());
    expect(packet).toMatchObject({
      ok: true,
      packet: { universe: 9, priority: 150, sequence: 0, sourceName: 'daydream-scope' },
    });
    expect(packet.ok && packet.packet.data[511]).toBe(3);
    await out.stop();
    // Stopping ends the stream (E1.31): three packets with Stream_Terminated, so receivers let go at once.
    const ends = [decodeSacn(await rx.next()), decodeSacn(await rx.next()), decodeSacn(await rx.next())];
    expect(ends.map((e) => e.ok && [e.packet.universe, e.packet.sequence, e.packet.terminated])).toEqual([
      [9, 1, true],
      [9, 2, true],
      [9, 3, true],
    ]);
    const refused = out.optionsSchema.safeParse({ protocol: 'artnet', host: 'multicast' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('multicast is for sACN; Art-Net takes an address');
    const universe0 = out.optionsSchema.safeParse({ channels: [{ source: 'beat', universe: 0, channel: 1 }] });
    expect(universe0.error?.issues[0]?.message).toBe('channel source 1: sacn universes are 1-63999');
  });
});
