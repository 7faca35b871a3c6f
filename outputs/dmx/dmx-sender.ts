/**
 * Sends universes over Art-Net (ArtDmx, unicast to the destination) or sACN (unicast, or to each universe's
 * multicast group when the destination is `multicast`), with a sequence number per universe.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { ARTNET_PORT, encodeArtDmx } from '../../src/media/artnet';
import { SACN_PORT, encodeSacn, sacnGroup } from '../../src/media/sacn';
import type { Socket } from 'node:dgram';
import type { DmxProtocol } from '../../src/shared/dmx';

export interface DmxDestination {
  protocol: DmxProtocol;
  /** An address, or `multicast` (sACN only: each universe to its group). */
  host: string;
  /** 0 = the protocol's port (6454, 5568). */
  port: number;
  priority: number;
  sourceName: string;
}

export class DmxSender {
  private socket: Socket | undefined;
  private readonly sequences = new Map<number, number>();
  /** One component id for as long as the server runs: receivers track sources by it. */
  private readonly cid = randomBytes(16);
  sent = 0;
  failed = 0;
  lastError: string | undefined;

  constructor(private readonly to: DmxDestination) {}

  async open(): Promise<void> {
    const socket = createSocket('udp4');
    socket.on('error', (err) => this.fail(err));
    socket.bind(0);
    await once(socket, 'listening');
    if (this.to.protocol === 'artnet') socket.setBroadcast(true);
    // Loopback receivers (a visualiser on this machine) hear our multicast too.
    if (this.to.host === 'multicast') socket.setMulticastLoopback(true);
    this.socket = socket;
  }

  /**
   * Closes the socket. sACN first tells receivers the stream ends (E1.31: three packets with the Stream_Terminated
   * option), so they let go of our universes at once instead of holding them for the 2.5 s data-loss timeout.
   */
  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    if (this.to.protocol === 'sacn') {
      const port = this.to.port || SACN_PORT;
      const sends: Promise<void>[] = [];
      for (const [universe, last] of this.sequences) {
        const host = this.to.host === 'multicast' ? sacnGroup(universe) : this.to.host;
        for (let i = 1; i <= 3; i++) {
          const bytes = encodeSacn({
            cid: this.cid,
            sourceName: this.to.sourceName,
            universe,
            priority: this.to.priority,
            sequence: (last + i) & 0xff,
            data: new Uint8Array(0),
            terminated: true,
          });
          sends.push(new Promise((resolve) => socket.send(bytes, port, host, () => resolve())));
        }
      }
      await Promise.all(sends);
    }
    socket.close();
  }

  /** Sends one universe; a send that fails is counted and said in the status, never thrown. */
  send(universe: number, levels: Uint8Array): void {
    const socket = this.socket;
    if (!socket) return;
    const port = this.to.port || (this.to.protocol === 'artnet' ? ARTNET_PORT : SACN_PORT);
    let bytes: Buffer;
    let host = this.to.host;
    if (this.to.protocol === 'artnet') {
      // Art-Net sequences run 1-255; 0 would tell the receiver we do not sequence.
      const seq = ((this.sequences.get(universe) ?? 0) % 255) + 1;
      this.sequences.set(universe, seq);
      bytes = encodeArtDmx(universe, levels, seq);
    } else {
      const seq = ((this.sequences.get(universe) ?? -1) + 1) & 0xff;
      this.sequences.set(universe, seq);
      bytes = encodeSacn({
        cid: this.cid,
        sourceName: this.to.sourceName,
        universe,
        priority: this.to.priority,
        sequence: seq,
        data: levels,
      });
      if (host === 'multicast') host = sacnGroup(universe);
    }
    try {
      socket.send(bytes, port, host, (err) => (err ? this.fail(err) : this.sent++));
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private fail(err: Error): void {
    this.failed++;
    this.lastError = err.message;
  }
}
