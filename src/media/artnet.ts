/**
 * Art-Net 4 (Artistic Licence): ArtDmx both ways, and ArtPoll/ArtPollReply so desks and node lists see us. Written
 * from the Art-Net 4 specification. Nothing here throws on what arrives: a packet we cannot use comes back as a
 * reason that the listener counts.
 */

export const ARTNET_PORT = 0x1936; // 6454
const ID = Buffer.from('Art-Net\0', 'latin1');
const PROTOCOL_VERSION = 14;

export const OP_POLL = 0x2000;
export const OP_POLL_REPLY = 0x2100;
export const OP_DMX = 0x5000;

/** Why a datagram was not used; counted per reason in the listener's status. */
export type ArtnetReject = 'short' | 'bad_id' | 'old_version' | 'unsupported_op' | 'bad_length';

export interface ArtDmx {
  op: 'dmx';
  /** 1-255 in order; 0 means the sender does not sequence. */
  sequence: number;
  physical: number;
  /** The 15-bit port-address: net (7 bits), sub-net (4), universe (4). */
  universe: number;
  /** 2-512 slots. */
  data: Uint8Array;
}

export interface ArtPoll {
  op: 'poll';
  flags: number;
}

export interface ArtPollReply {
  op: 'poll-reply';
  ip: [number, number, number, number];
  port: number;
  shortName: string;
  longName: string;
  /** Port-addresses of the node's outputs (the universes it takes in). */
  universes: number[];
}

export type ArtnetPacket = ArtDmx | ArtPoll | ArtPollReply;
export type ArtnetDecoded = { ok: true; packet: ArtnetPacket } | { ok: false; reason: ArtnetReject };

const reject = (reason: ArtnetReject): ArtnetDecoded => ({ ok: false, reason });

/** Reads one Art-Net datagram. */
export function decodeArtnet(b: Uint8Array): ArtnetDecoded {
  if (b.length < 10) return reject('short');
  if (!ID.equals(b.subarray(0, 8))) return reject('bad_id');
  const op = b[8]! | (b[9]! << 8);
  if (op === OP_POLL_REPLY) return decodePollReply(b);
  if (op !== OP_DMX && op !== OP_POLL) return reject('unsupported_op');
  if (b.length < 12) return reject('short');
  if (((b[10]! << 8) | b[11]!) < PROTOCOL_VERSION) return reject('old_version');
  if (op === OP_POLL) return b.length < 14 ? reject('short') : { ok: true, packet: { op: 'poll', flags: b[12]! } };
  if (b.length < 18) return reject('short');
  const length = (b[16]! << 8) | b[17]!;
  // The spec asks for an even length of 2-512; some senders send odd lengths, which lose nothing, so they pass.
  if (length < 1 || length > 512 || b.length < 18 + length) return reject('bad_length');
  return {
    ok: true,
    packet: {
      op: 'dmx',
      sequence: b[12]!,
      physical: b[13]!,
      universe: ((b[15]! & 0x7f) << 8) | b[14]!,
      data: Uint8Array.from(b.subarray(18, 18 + length)),
    },
  };
}

function header(op: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  ID.copy(b, 0);
  b.writeUInt16LE(op, 8);
  return b;
}

/** An ArtDmx packet for `universe` (a 15-bit port-address); data is padded to an even length. */
export function encodeArtDmx(universe: number, data: Uint8Array, sequence = 0, physical = 0): Buffer {
  const length = Math.min(512, data.length + (data.length % 2));
  const b = header(OP_DMX, 18 + Math.max(2, length));
  b.writeUInt16BE(PROTOCOL_VERSION, 10);
  b[12] = sequence & 0xff;
  b[13] = physical & 0xff;
  b[14] = universe & 0xff;
  b[15] = (universe >> 8) & 0x7f;
  b.writeUInt16BE(Math.max(2, length), 16);
  b.set(data.subarray(0, 512), 18);
  return b;
}

/** An ArtPoll: asks every node to answer with an ArtPollReply. */
export function encodeArtPoll(flags = 0): Buffer {
  const b = header(OP_POLL, 14);
  b.writeUInt16BE(PROTOCOL_VERSION, 10);
  b[12] = flags;
  return b;
}

const POLL_REPLY_SIZE = 239;
/** Art-Net 3 nodes send a shorter reply (up to Status2); that much is enough for us. */
const POLL_REPLY_MIN = 207;

/**
 * Our answer to an ArtPoll. A reply lists at most four ports; we announce the first four universes we listen to,
 * all on one net and sub-net as the format demands (the net and sub-net of the first).
 */
export function encodeArtPollReply(r: Omit<ArtPollReply, 'op'>): Buffer {
  const b = header(OP_POLL_REPLY, POLL_REPLY_SIZE);
  b.set(r.ip, 10);
  b.writeUInt16LE(r.port, 14);
  const first = r.universes[0] ?? 0;
  const ports = r.universes.filter((u) => u >> 4 === first >> 4).slice(0, 4);
  b[18] = (first >> 8) & 0x7f; // NetSwitch
  b[19] = (first >> 4) & 0x0f; // SubSwitch
  b[23] = 0xe0; // Status1: front-panel indicators normal, port-address set over the network
  b.write(r.shortName.slice(0, 17), 26, 'latin1');
  b.write(r.longName.slice(0, 63), 44, 'latin1');
  b.write('#0001 [0000] Power On Tests successful', 108, 'latin1');
  b.writeUInt16BE(ports.length, 172);
  for (const [i, u] of ports.entries()) {
    b[174 + i] = 0x80; // PortTypes: can output DMX512 from the network (we take DMX in)
    b[182 + i] = 0x80; // GoodOutput: data is being transmitted/received
    b[190 + i] = u & 0x0f; // SwOut: the low nibble of the port-address
  }
  b[200] = 0x00; // Style: StNode
  b.set(r.ip, 207); // BindIp
  b[211] = 1; // BindIndex
  b[212] = 0x08; // Status2: Art-Net 3/4 15-bit port-addresses
  return b;
}

function decodePollReply(b: Uint8Array): ArtnetDecoded {
  if (b.length < POLL_REPLY_MIN) return reject('short');
  const text = (from: number, size: number) => {
    const s = Buffer.from(b.subarray(from, from + size)).toString('latin1');
    const end = s.indexOf('\0');
    return end < 0 ? s : s.slice(0, end);
  };
  const net = b[18]! & 0x7f;
  const sub = b[19]! & 0x0f;
  const count = Math.min(4, (b[172]! << 8) | b[173]!);
  const universes: number[] = [];
  for (let i = 0; i < count; i++)
    if (b[174 + i]! & 0x80) universes.push((net << 8) | (sub << 4) | (b[190 + i]! & 0x0f));
  return {
    ok: true,
    packet: {
      op: 'poll-reply',
      ip: [b[10]!, b[11]!, b[12]!, b[13]!],
      port: b[14]! | (b[15]! << 8),
      shortName: text(26, 18),
      longName: text(44, 64),
      universes,
    },
  };
}
