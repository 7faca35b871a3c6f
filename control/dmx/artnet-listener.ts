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
}

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
      const source = `${from.address}:${from.port}`;
      if (p.sequence !== 0) {
        // The same rule as sACN's: a packet up to 19 behind the last one arrived late and would undo a newer one.
        const key = `${source}/${p.universe}`;
        if (outOfOrder(this.sequences.get(key), p.sequence)) return 'out_of_order';
        this.sequences.set(key, p.sequence);
      }
      this.sink.put('artnet', p.universe, source, p.data, 100);
      return undefined;
    }
    if (p.op === 'poll') {
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
