/** Helpers for the OSC tests: raw OSC bytes built by hand, and a UDP client on 127.0.0.1. */
import { createSocket } from 'node:dgram';
import osc from 'osc/src/osc.js';
import { decodePacket, isBundle } from './codec';
import type { Socket } from 'node:dgram';
import type { OscMessage } from './codec';

/** An OSC string: UTF-8, NUL-terminated, padded to 4 bytes. */
export function oscString(s: string): Buffer {
  const raw = Buffer.from(s, 'utf8');
  const out = Buffer.alloc((raw.length + 4) & ~3);
  raw.copy(out);
  return out;
}

export const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

export const float32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatBE(n);
  return b;
};

/** A message encoded by osc.js, the way a controller would send it; plain JS args have their types inferred. */
export function encode(address: string, args: unknown[] = []): Buffer {
  return Buffer.from(osc.writePacket({ address, args } as never));
}

/** A bundle timetagged `secondsFromNow` ahead of the wall clock (null: "immediately"), its elements by osc.js. */
export function bundle(secondsFromNow: number | null, ...elements: Buffer[]): Buffer {
  const time = secondsFromNow === null ? Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]) : timeTag(osc.timeTag(secondsFromNow));
  return bundleOf(time, elements);
}

/** A bundle timetagged at `unixMs` (a time on the ManualTimers a test gave the service). */
export function bundleAt(unixMs: number, ...elements: Buffer[]): Buffer {
  return bundleOf(timeTag(osc.timeTag(0, unixMs)), elements);
}

function bundleOf(time: Buffer, elements: Buffer[]): Buffer {
  const parts = elements.flatMap((e) => [int32(e.length), e]);
  return Buffer.concat([oscString('#bundle'), time, ...parts]);
}

function timeTag(tag: { raw: [number, number] }): Buffer {
  const [secs, frac] = tag.raw;
  const b = Buffer.alloc(8);
  b.writeUInt32BE(secs);
  b.writeUInt32BE(frac >>> 0, 4);
  return b;
}

/** A UDP socket on 127.0.0.1 that sends datagrams and keeps every OSC message it receives. */
export class UdpClient {
  readonly received: OscMessage[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('message', (data) => {
      const decoded = decodePacket(data);
      if (decoded.ok && !isBundle(decoded.packet)) this.received.push(decoded.packet);
    });
  }

  static async open(): Promise<UdpClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpClient(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  async send(data: Uint8Array, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.socket.send(data, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
