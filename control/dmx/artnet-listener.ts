/** Art-Net in: ArtDmx into the universe store, and an ArtPollReply to every ArtPoll so desks list us. */
import { networkInterfaces } from 'node:os';
import { ARTNET_PORT, decodeArtnet, encodeArtPollReply } from '../../src/media/artnet';
import { outOfOrder } from '../../src/media/sacn';
import { UdpListener } from './udp-listener';
import type { DmxInputSink } from './dmx-input';
import type { Datagram } from './udp-listener';

export interface ArtnetListenerOptions {
  host: string;
  port: number;
  log: (message: string) => void;
  allow?: (address: string) => boolean;
  /** The universes some mapping reads: announced in the ArtPollReply. */
  universes: () => number[];
  /** Wall time in ms, for the poll reply's rate limit. */
  now: () => number;
}

/** Controllers poll every 2.5-3 s; a few of them answered at once is fine, hundreds a second is not. */
const POLL_REPLY_INTERVAL_MS = 100;

/** The address to announce: the bound one, or for 0.0.0.0 the first external IPv4 address of this machine. */
function announcedIp(host: string): [number, number, number, number] {
  let ip = host;
  if (host === '0.0.0.0') {
    const all = Object.values(networkInterfaces()).flat();
    ip = all.find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';
  }
  const parts = ip.split('.').map(Number);
  return parts.length === 4 && parts.every((n) => n >= 0 && n <= 255)
    ? (parts as [number, number, number, number])
    : [127, 0, 0, 1];
}

export class ArtnetListener {
  readonly udp: UdpListener;
  /** The last sequence number per sender and universe (0 = the sender does not sequence). */
  private readonly sequences = new Map<string, number>();
  private lastReply = -Infinity;

  constructor(
    private readonly o: ArtnetListenerOptions,
    private readonly sink: DmxInputSink,
  ) {
    this.udp = new UdpListener(
      { what: 'Art-Net', host: o.host, port: o.port, flag: '--artnet', log: o.log, allow: o.allow },
      (d) => this.handle(d),
    );
  }

  private handle({ data, from }: Datagram): string | undefined {
    const decoded = decodeArtnet(data);
    if (!decoded.ok) return decoded.reason;
    const p = decoded.packet;
    if (p.op === 'dmx') {
      if (!this.sink.wants('artnet', p.universe)) return 'unmapped';
      const source = `${from.address}:${from.port}`;
      // The same rule as sACN's: a packet up to 19 behind the last one arrived late and would undo a newer one.
      const key = `${source}/${p.universe}`;
      if (p.sequence !== 0 && outOfOrder(this.sequences.get(key), p.sequence)) return 'out_of_order';
      const refused = this.sink.put('artnet', p.universe, source, p.data, 100);
      if (refused === undefined && p.sequence !== 0) this.sequences.set(key, p.sequence);
      return refused;
    }
    if (p.op === 'poll') {
      // A reply is 17 times the size of a poll: a flood of forged polls must not turn us into an amplifier.
      const now = this.o.now();
      if (now - this.lastReply < POLL_REPLY_INTERVAL_MS) return 'poll_flood';
      this.lastReply = now;
      const reply = encodeArtPollReply({
        ip: announcedIp(this.o.host),
        port: ARTNET_PORT,
        shortName: 'daydream-scope',
        longName: 'Daydream Scope: DMX in to parameters',
        universes: this.o.universes(),
      });
      this.udp.bound?.send(reply, from.port, from.address);
      return undefined;
    }
    return 'poll_reply'; // another node's ArtPollReply: we keep no node list
  }
}
