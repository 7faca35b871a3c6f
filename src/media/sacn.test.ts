import { describe, expect, it } from 'vitest';
import { decodeSacn, encodeSacn, outOfOrder, sacnGroup } from './sacn';

const cid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const levels = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 3) & 0xff);
const packet = (over: Partial<Parameters<typeof encodeSacn>[0]> = {}) =>
  encodeSacn({ cid, sourceName: 'desk', universe: 1, sequence: 0, data: levels(512), ...over });

describe('sACN codec', () => {
  it.each([
    ['universe 1, 512 slots, default priority', { universe: 1 }, 100],
    ['the highest universe at priority 200', { universe: 63999, priority: 200 }, 200],
    ['a short universe of 24 slots', { universe: 7, data: levels(24), priority: 0 }, 0],
  ])('reads back %s', (_what, over, priority) => {
    const decoded = decodeSacn(packet({ sequence: 42, ...over }));
    expect(decoded).toEqual({
      ok: true,
      packet: {
        cid: cid.toString('hex'),
        sourceName: 'desk',
        priority,
        sequence: 42,
        preview: false,
        terminated: false,
        universe: over.universe,
        data: 'data' in over ? over.data : levels(512),
      },
    });
  });

  it('is 638 bytes for a full universe, as the standard lays it out', () => {
    expect(packet().length).toBe(638);
  });

  it('carries the preview and stream-terminated options', () => {
    expect(decodeSacn(packet({ preview: true, terminated: true }))).toMatchObject({
      ok: true,
      packet: { preview: true, terminated: true },
    });
  });

  const poke = (at: number, value: number, base = packet()) => {
    const b = Buffer.from(base);
    b[at] = value;
    return b;
  };
  const extended = () => {
    const b = Buffer.from(packet());
    b.writeUInt32BE(8, 18);
    return b;
  };
  it.each([
    ['an empty datagram', Buffer.alloc(0), 'short'],
    ['an Art-Net packet', Buffer.from('Art-Net\0\0\x50\0\x0e\0\0\0\0\0\x02\0\0\0\0\0\0\0\0\0\0', 'latin1'), 'bad_id'],
    ['a sync or discovery packet', extended(), 'not_data'],
    ['a root vector of 3', poke(21, 3), 'bad_vector'],
    ['a cut packet', packet().subarray(0, 300), 'bad_length'],
    ['a header cut short', packet().subarray(0, 100), 'short'],
    ['priority 201', poke(108, 201), 'bad_priority'],
    [
      'universe 0',
      (() => {
        const b = packet();
        b.writeUInt16BE(0, 113);
        return b;
      })(),
      'bad_universe',
    ],
    [
      'universe 64000',
      (() => {
        const b = packet();
        b.writeUInt16BE(64000, 113);
        return b;
      })(),
      'bad_universe',
    ],
    ['a DMP vector of 1', poke(117, 1), 'bad_dmp'],
    ['a text start code', poke(125, 0x17), 'not_dimmer_data'],
  ])('refuses %s with a reason, never throwing', (_what, bytes, reason) => {
    expect(decodeSacn(bytes)).toEqual({ ok: false, reason });
  });

  it.each([
    ['the first packet', undefined, 0, false],
    ['the next number', 10, 11, false],
    ['a wrap from 255 to 0', 255, 0, false],
    ['the same number again', 10, 10, true],
    ['one behind', 10, 9, true],
    ['19 behind', 30, 11, true],
    ['20 behind (a restarted source)', 30, 10, false],
    ['one behind across the wrap', 0, 255, true],
  ])('sequence: %s is out of order: %s', (_what, last, next, dropped) => {
    expect(outOfOrder(last, next)).toBe(dropped);
  });

  it('names the multicast group of a universe', () => {
    expect(sacnGroup(1)).toBe('239.255.0.1');
    expect(sacnGroup(63999)).toBe('239.255.249.255');
  });
});
