import { describe, expect, it } from 'vitest';
import { decodeArtnet, encodeArtDmx, encodeArtPoll, encodeArtPollReply } from './artnet';

const levels = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);

describe('Art-Net codec', () => {
  it.each([
    ['universe 0, 512 slots', 0, 512],
    ['net 3 sub-net 2 universe 1', (3 << 8) | (2 << 4) | 1, 24],
    ['the highest port-address', 32767, 2],
  ])('reads back an ArtDmx for %s', (_what, universe, n) => {
    const decoded = decodeArtnet(encodeArtDmx(universe, levels(n), 9, 1));
    expect(decoded).toEqual({ ok: true, packet: { op: 'dmx', sequence: 9, physical: 1, universe, data: levels(n) } });
  });

  it('pads an odd slot count to an even length, as the spec asks', () => {
    const b = encodeArtDmx(0, levels(3));
    expect(b.readUInt16BE(16)).toBe(4);
    expect(decodeArtnet(b)).toMatchObject({ ok: true, packet: { data: Uint8Array.from([0, 7, 14, 0]) } });
  });

  it('reads back an ArtPoll and an ArtPollReply', () => {
    expect(decodeArtnet(encodeArtPoll(0x02))).toEqual({ ok: true, packet: { op: 'poll', flags: 0x02 } });
    const reply = encodeArtPollReply({
      ip: [127, 0, 0, 1],
      port: 6454,
      shortName: 'daydream-scope',
      longName: 'Daydream Scope DMX in',
      universes: [0x101, 0x102, 0x203],
    });
    expect(reply.length).toBe(239);
    expect(decodeArtnet(reply)).toEqual({
      ok: true,
      packet: {
        op: 'poll-reply',
        ip: [127, 0, 0, 1],
        port: 6454,
        shortName: 'daydream-scope',
        longName: 'Daydream Scope DMX in',
        // One reply speaks for one net and sub-net: 0x203 is on another.
        universes: [0x101, 0x102],
      },
    });
  });

  const good = encodeArtDmx(1, levels(16));
  const withVersion = (v: number) => {
    const b = Buffer.from(good);
    b.writeUInt16BE(v, 10);
    return b;
  };
  const withLength = (n: number) => {
    const b = Buffer.from(good);
    b.writeUInt16BE(n, 16);
    return b;
  };
  const withOp = (op: number) => {
    const b = Buffer.from(good);
    b.writeUInt16LE(op, 8);
    return b;
  };
  it.each([
    ['an empty datagram', Buffer.alloc(0), 'short'],
    ['an OSC message', Buffer.from('/scope/level\0\0\0\0,f\0\0\0\0\0\0', 'latin1'), 'bad_id'],
    ['protocol version 13', withVersion(13), 'old_version'],
    ['ArtAddress (not ours to obey)', withOp(0x6000), 'unsupported_op'],
    ['a header cut short', good.subarray(0, 15), 'short'],
    ['a length past the datagram', withLength(200), 'bad_length'],
    ['a length of 0', withLength(0), 'bad_length'],
    ['a length over 512', withLength(514), 'bad_length'],
    [
      'a poll reply cut short',
      encodeArtPollReply({ ip: [1, 2, 3, 4], port: 6454, shortName: '', longName: '', universes: [] }).subarray(0, 100),
      'short',
    ],
  ])('refuses %s with a reason, never throwing', (_what, bytes, reason) => {
    expect(decodeArtnet(bytes)).toEqual({ ok: false, reason });
  });
});
