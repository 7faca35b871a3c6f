/**
 * sACN, ANSI E1.31 (Streaming ACN): the data packet both ways, written from the standard. Universe 1-63999,
 * priority 0-200, a sequence number per universe and sender, and the preview and stream-terminated options.
 * Nothing here throws on what arrives: a packet we cannot use comes back as a reason that the listener counts.
 */

export const SACN_PORT = 5568;
const ACN_ID = Buffer.from('ASC-E1.17\0\0\0', 'latin1');
const VECTOR_ROOT_DATA = 0x00000004;
const VECTOR_ROOT_EXTENDED = 0x00000008;
const VECTOR_FRAMING_DATA = 0x00000002;
const VECTOR_DMP_SET_PROPERTY = 0x02;
const HEADER = 126; // root (38) + framing (77) + DMP up to and with the start code (11)

const OPTION_PREVIEW = 0x80;
const OPTION_TERMINATED = 0x40;

/** Why a datagram was not used; counted per reason in the listener's status. */
export type SacnReject =
  | 'short'
  | 'bad_id'
  | 'bad_vector'
  | 'not_data'
  | 'bad_length'
  | 'bad_universe'
  | 'bad_priority'
  | 'bad_dmp'
  | 'not_dimmer_data';

export interface SacnData {
  /** The sender's component id (16 bytes, hex): one source even when it changes address. */
  cid: string;
  sourceName: string;
  priority: number;
  sequence: number;
  /** Preview data (for visualisers): a live receiver ignores it. */
  preview: boolean;
  /** The source says it stops sending this universe. */
  terminated: boolean;
  universe: number;
  data: Uint8Array;
}

export type SacnDecoded = { ok: true; packet: SacnData } | { ok: false; reason: SacnReject };
const reject = (reason: SacnReject): SacnDecoded => ({ ok: false, reason });

/** The multicast group of a universe: 239.255.hi.lo. */
export const sacnGroup = (universe: number): string => `239.255.${(universe >> 8) & 0xff}.${universe & 0xff}`;

/** Reads one E1.31 datagram. */
export function decodeSacn(input: Uint8Array): SacnDecoded {
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (b.length < 22) return reject('short');
  if (b.readUInt16BE(0) !== 0x0010 || b.readUInt16BE(2) !== 0 || !ACN_ID.equals(b.subarray(4, 16))) {
    return reject('bad_id');
  }
  const rootVector = b.readUInt32BE(18);
  if (rootVector === VECTOR_ROOT_EXTENDED) return reject('not_data'); // sync and universe discovery
  if (rootVector !== VECTOR_ROOT_DATA) return reject('bad_vector');
  if (b.length < HEADER) return reject('short');
  // Each layer's length counts from its own start to the end of the packet.
  const pduLength = (at: number) => b.readUInt16BE(at) & 0x0fff;
  if (pduLength(16) !== b.length - 16 || pduLength(38) !== b.length - 38 || pduLength(115) !== b.length - 115) {
    return reject('bad_length');
  }
  if (b.readUInt32BE(40) !== VECTOR_FRAMING_DATA) return reject('bad_vector');
  const priority = b[108]!;
  if (priority > 200) return reject('bad_priority');
  const universe = b.readUInt16BE(113);
  if (universe < 1 || universe > 63999) return reject('bad_universe');
  if (b[117] !== VECTOR_DMP_SET_PROPERTY || b[118] !== 0xa1 || b.readUInt16BE(119) !== 0 || b.readUInt16BE(121) !== 1) {
    return reject('bad_dmp');
  }
  const count = b.readUInt16BE(123);
  if (count < 1 || count > 513 || count !== b.length - 125) return reject('bad_length');
  if (b[125] !== 0) return reject('not_dimmer_data'); // alternate start codes (text, RDM) carry no levels
  const name = b.subarray(44, 108).toString('utf8');
  const end = name.indexOf('\0');
  const options = b[112]!;
  return {
    ok: true,
    packet: {
      cid: b.subarray(22, 38).toString('hex'),
      sourceName: end < 0 ? name : name.slice(0, end),
      priority,
      sequence: b[111]!,
      preview: (options & OPTION_PREVIEW) !== 0,
      terminated: (options & OPTION_TERMINATED) !== 0,
      universe,
      data: Uint8Array.from(b.subarray(HEADER, HEADER + count - 1)),
    },
  };
}

export interface SacnSend {
  cid: Buffer;
  sourceName: string;
  universe: number;
  priority?: number;
  sequence: number;
  data: Uint8Array;
  terminated?: boolean;
  preview?: boolean;
}

/** An E1.31 data packet with the DMX start code and `data` (up to 512 slots). */
export function encodeSacn(p: SacnSend): Buffer {
  const slots = Math.min(512, p.data.length);
  const b = Buffer.alloc(HEADER + slots);
  const flagsAndLength = (at: number) => b.writeUInt16BE(0x7000 | (b.length - at), at);
  b.writeUInt16BE(0x0010, 0);
  ACN_ID.copy(b, 4);
  flagsAndLength(16);
  b.writeUInt32BE(VECTOR_ROOT_DATA, 18);
  p.cid.copy(b, 22, 0, 16);
  flagsAndLength(38);
  b.writeUInt32BE(VECTOR_FRAMING_DATA, 40);
  b.write(p.sourceName, 44, 63, 'utf8');
  b[108] = p.priority ?? 100;
  b[111] = p.sequence & 0xff;
  b[112] = (p.preview ? OPTION_PREVIEW : 0) | (p.terminated ? OPTION_TERMINATED : 0);
  b.writeUInt16BE(p.universe, 113);
  flagsAndLength(115);
  b[117] = VECTOR_DMP_SET_PROPERTY;
  b[118] = 0xa1;
  b.writeUInt16BE(0, 119);
  b.writeUInt16BE(1, 121);
  b.writeUInt16BE(slots + 1, 123);
  b[125] = 0; // DMX start code
  b.set(p.data.subarray(0, slots), HEADER);
  return b;
}

/**
 * E1.31 6.7.2: a packet whose sequence number is behind the last one by less than 20 (mod 256), or equal to it,
 * arrived out of order and is dropped; a larger jump back is a restarted source and is taken.
 */
export function outOfOrder(last: number | undefined, next: number): boolean {
  if (last === undefined) return false;
  const diff = (((next - last) & 0xff) << 24) >> 24; // as a signed byte
  return diff <= 0 && diff > -20;
}
