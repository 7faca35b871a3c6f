import { describe, expect, it } from 'vitest';
import { decodePacket, encodeMessage } from './codec';
import { bundle, encode, float32, int32, oscString } from './test-support';
import type { OscMessage } from './codec';

/** Reproducible noise (a linear congruential generator), so a failure can be replayed. */
const noise = (n: number, seed = 7) =>
  Buffer.from(Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16));

describe('decodePacket', () => {
  const messages: [string, OscMessage][] = [
    ['no arguments', { address: '/scope/level', args: [] }],
    ['an int', { address: '/scope/level', args: [{ type: 'i', value: -7 }] }],
    ['a float', { address: '/scope/gain', args: [{ type: 'f', value: 0.25 }] }],
    ['a double', { address: '/scope/gain', args: [{ type: 'd', value: 1e-9 }] }],
    ['a string', { address: '/scope/mode', args: [{ type: 's', value: 'wide öl' }] }],
    [
      'T and F',
      {
        address: '/scope/x',
        args: [
          { type: 'T', value: true },
          { type: 'F', value: false },
        ],
      },
    ],
    ['three floats', { address: '/scope/tint', args: [0.5, 1, 0].map((value) => ({ type: 'f', value })) }],
  ];
  it.each(messages)('reads back a message with %s', (_what, message) => {
    expect(decodePacket(encodeMessage(message))).toEqual({ ok: true, packet: message });
  });

  it('reads an int64 as a number', () => {
    const bytes = Buffer.concat([oscString('/a'), oscString(',h'), int32(1), int32(5)]);
    expect(decodePacket(bytes)).toEqual({
      ok: true,
      packet: { address: '/a', args: [{ type: 'h', value: 2 ** 32 + 5 }] },
    });
  });

  it('reads a colour from a datagram that is a slice of a larger buffer', () => {
    const message = Buffer.concat([oscString('/c'), oscString(',r'), Buffer.from([255, 128, 0, 255])]);
    const pooled = Buffer.concat([Buffer.alloc(12, 9), message]).subarray(12);
    const decoded = decodePacket(pooled);
    expect(decoded).toMatchObject({ ok: true, packet: { args: [{ type: 'r', value: { r: 255, g: 128, b: 0 } }] } });
  });

  it('reads bundles with their time, nested bundles included', () => {
    const now = Date.now();
    const decoded = decodePacket(bundle(2, encode('/a', [1]), bundle(null, encode('/b'))));
    if (!decoded.ok || !('packets' in decoded.packet)) throw new Error('expected a bundle');
    expect(decoded.packet.time! - now).toBeGreaterThan(1900);
    expect(decoded.packet.time! - now).toBeLessThan(2100);
    expect(decoded.packet.packets).toEqual([
      { address: '/a', args: [{ type: 'f', value: 1 }] },
      { time: null, packets: [{ address: '/b', args: [] }] },
    ]);
  });

  const valid = encode('/scope/level', [{ type: 'i', value: 200 }]);
  const malformed: [string, Buffer][] = [
    ['an empty datagram', Buffer.alloc(0)],
    ['a size that is not a multiple of 4', valid.subarray(0, valid.length - 2)],
    ['a truncated argument', valid.subarray(0, valid.length - 4)],
    ['no type tag string', oscString('/scope/level')],
    ['a type tag string without a comma', Buffer.concat([oscString('/scope/level'), oscString('i'), int32(1)])],
    ['an unknown type tag', Buffer.concat([oscString('/scope/level'), oscString(',q'), int32(1)])],
    ['an unterminated address', Buffer.from('/scope/level')],
    ['an unterminated string argument', Buffer.concat([oscString('/a'), oscString(',s'), Buffer.from('abcd')])],
    ['stray bytes after the arguments', Buffer.concat([valid, int32(0)])],
    ['an address without a slash', Buffer.concat([oscString('scope'), oscString(',')])],
    ['a #bundle cut before its timetag', oscString('#bundle')],
    ['a bundle element too large', Buffer.concat([oscString('#bundle'), Buffer.alloc(8), int32(400), valid])],
    ['a bundle element of negative size', Buffer.concat([oscString('#bundle'), Buffer.alloc(8), int32(-4), valid])],
    ['a bundle with one bad element', bundle(null, valid, Buffer.concat([oscString('/x'), oscString(',q')]))],
    ['random bytes', Buffer.concat([Buffer.from([0x2f]), noise(255)])],
    ['an unclosed array', Buffer.concat([oscString('/a'), oscString(',[i'), int32(1)])],
  ];
  it.each(malformed)('gives a reason, never throws, for %s', (_what, bytes) => {
    const decoded = decodePacket(bytes);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(/\w/);
  });

  it('reads a 60 KB string', () => {
    const big = 'x'.repeat(60_000);
    expect(decodePacket(encode('/scope/prompt', [big]))).toMatchObject({
      ok: true,
      packet: { args: [{ type: 's', value: big }] },
    });
  });

  it('reads a NaN float as NaN (the store rejects it)', () => {
    const bytes = Buffer.concat([oscString('/scope/level'), oscString(',f'), float32(NaN)]);
    expect(decodePacket(bytes)).toMatchObject({ ok: true, packet: { args: [{ type: 'f', value: NaN }] } });
  });
});
