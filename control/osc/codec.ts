/**
 * OSC 1.0 codec over osc.js: a datagram becomes messages and bundles with plain argument values, or a reason
 * why it cannot. Nothing here throws; the socket owner sees a value either way.
 */
import osc from 'osc/src/osc.js';
import type { OffsetState } from 'osc/src/osc.js';

/** One argument: its OSC type tag and a plain JS value (int64 as number, timetag as ms, `[` as nested args). */
export interface OscArg {
  type: string;
  value: unknown;
}

export interface OscMessage {
  address: string;
  args: OscArg[];
}

export interface OscBundle {
  /** Unix time in ms at which the bundle applies; null = immediately (timetag 1). */
  time: number | null;
  packets: OscPacket[];
}

export type OscPacket = OscMessage | OscBundle;

export type Decoded = { ok: true; packet: OscPacket } | { ok: false; reason: string };

const READ = { metadata: true, unpackSingleArgs: false };
const SECS_70YRS = 2208988800;

// osc.js reads a string without its NUL terminator up to the end of the packet; OSC 1.0 requires the
// terminator, and a string cut off in transit must count as malformed, not as a shorter value.
const looseReadString = osc.readString;
osc.readString = Object.assign((dv: DataView, state: OffsetState): string => {
  for (let i = state.idx; i < dv.byteLength; i++) {
    if (dv.getUint8(i) === 0) return looseReadString(dv, state);
  }
  throw new Error(`unterminated string at byte ${state.idx}`);
}, looseReadString);

export const isBundle = (p: OscPacket): p is OscBundle => 'packets' in p;

/** An NTP timetag as unix ms; null for the special "immediately" (0 seconds, fraction 1). */
function timetagMs(secs: number, frac: number): number | null {
  return secs === 0 && frac === 1 ? null : (secs - SECS_70YRS + frac / 2 ** 32) * 1000;
}

const BUNDLE_TAG = Buffer.from('#bundle\0');

/**
 * The timetag of a datagram that is a bundle, read from its first 16 bytes without decoding the rest: unix ms,
 * null for "immediately", undefined when the datagram is not a bundle. Lets a flood be refused before it costs
 * a decode.
 */
export function peekBundleTime(datagram: Uint8Array): number | null | undefined {
  if (datagram.length < 16 || !BUNDLE_TAG.equals(datagram.subarray(0, 8))) return undefined;
  const dv = new DataView(datagram.buffer, datagram.byteOffset + 8, 8);
  return timetagMs(dv.getUint32(0), dv.getUint32(4));
}

/** Decodes one datagram; a bundle with one bad element is rejected whole, so a bundle is all or nothing. */
export function decodePacket(datagram: Uint8Array): Decoded {
  // A fresh copy at byte offset 0: osc.js reads colours and blobs relative to the whole ArrayBuffer, and
  // Node's datagram Buffers may be slices of a larger pool.
  const bytes = new Uint8Array(datagram);
  try {
    if (bytes.length === 0 || bytes.length % 4 !== 0) throw new Error(`size ${bytes.length} is not a multiple of 4`);
    return { ok: true, packet: readElement(bytes, 0, bytes.length) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

function readElement(bytes: Uint8Array, start: number, end: number): OscPacket {
  if (bytes[start] === 0x23 /* # */) return readBundle(bytes, start, end);
  const state = { idx: start };
  const raw = osc.readMessage(bytes, READ, state);
  if (state.idx !== end) throw new Error(`message ${raw.address} has ${end - state.idx} stray bytes`);
  return { address: raw.address, args: plainArgs(raw.args) };
}

function readBundle(bytes: Uint8Array, start: number, end: number): OscBundle {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const state = { idx: start };
  if (osc.readString(dv, state) !== '#bundle') throw new Error('a packet starting with # is not a #bundle');
  if (state.idx + 8 > end) throw new Error('bundle without a timetag');
  const secs = dv.getUint32(state.idx);
  const frac = dv.getUint32(state.idx + 4);
  state.idx += 8;
  const time = timetagMs(secs, frac);
  const packets: OscPacket[] = [];
  while (state.idx < end) {
    if (state.idx + 4 > end) throw new Error('bundle element size cut off');
    const size = dv.getInt32(state.idx);
    const from = state.idx + 4;
    if (size <= 0 || size % 4 !== 0 || from + size > end) {
      throw new Error(`bundle element of size ${size} at byte ${state.idx} does not fit`);
    }
    packets.push(readElement(bytes, from, from + size));
    state.idx = from + size;
  }
  return { time, packets };
}

function plainArgs(args: unknown): OscArg[] {
  if (!Array.isArray(args)) return [];
  return args.map((a: unknown): OscArg => {
    if (Array.isArray(a)) return { type: '[', value: plainArgs(a) };
    const { type, value } = a as { type: string; value: unknown };
    if (type === 'h') return { type, value: int64(value as { high: number; low: number; unsigned: boolean }) };
    if (type === 't') return { type, value: (value as { native: number }).native };
    return { type, value };
  });
}

function int64(v: { high: number; low: number; unsigned: boolean }): number {
  const high = v.unsigned ? v.high >>> 0 : v.high;
  return high * 2 ** 32 + (v.low >>> 0);
}

/** Encodes one message; values must already match their type tags (f/i/d: number, s: string, T/F: none). */
export function encodeMessage(message: OscMessage): Uint8Array {
  const args = message.args.map(({ type, value }) => ({ type, value }));
  return osc.writePacket({ address: message.address, args }, { metadata: true });
}
