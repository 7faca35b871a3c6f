/**
 * sACN in: data packets by unicast on the bound address, and by multicast on the group of every universe a mapping
 * reads (joined on the bound interface; on 0.0.0.0, on the system's choice). Out-of-order packets, preview data and
 * terminated streams follow E1.31.
 */
import { createSocket } from 'node:dgram';
import { decodeSacn, outOfOrder, sacnGroup } from '../../src/media/sacn';
import { UdpListener } from './udp-listener';
import type { DmxInputSink } from './dmx-input';
import type { Datagram } from './udp-listener';

export interface SacnListenerOptions {
  host: string;
  port: number;
  log: (message: string) => void;
  allow?: (address: string) => boolean;
}

export class SacnListener {
  readonly udp: UdpListener;
  /** The last sequence number per source and universe. */
  private readonly sequences = new Map<string, number>();
  /** The joined groups, each with its way to leave. */
  private readonly groups = new Map<number, () => void>();
  private following: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: SacnListenerOptions,
    private readonly sink: DmxInputSink,
  ) {
    this.udp = new UdpListener(
      { what: 'sACN', host: o.host, port: o.port, flag: '--sacn', log: o.log, allow: o.allow },
      (d) => this.handle(d),
    );
  }

  /** Joins the multicast groups of `universes` and leaves the others; calls run one after another. */
  follow(universes: number[]): Promise<void> {
    this.following = this.following.then(() => this.reconcile(universes));
    return this.following;
  }

  private async reconcile(universes: number[]): Promise<void> {
    if (!this.udp.bound) return;
    const wanted = new Set(universes);
    for (const [u, leave] of this.groups) {
      if (wanted.has(u)) continue;
      this.groups.delete(u);
      leave();
    }
    for (const u of wanted) if (!this.groups.has(u)) await this.join(u);
  }

  async stop(): Promise<void> {
    await this.following;
    for (const leave of this.groups.values()) leave();
    this.groups.clear();
    await this.udp.stop();
  }

  /**
   * On 0.0.0.0 the listening socket itself joins the group (it hears every address already). Bound to one address,
   * it cannot receive multicast: a socket bound to the group address joins instead, on that address's interface.
   */
  private async join(universe: number): Promise<void> {
    const group = sacnGroup(universe);
    const main = this.udp.bound;
    if (main && this.o.host === '0.0.0.0') {
      try {
        main.addMembership(group);
        this.groups.set(universe, () => {
          try {
            main.dropMembership(group);
          } catch {
            // the socket closed first: the membership went with it
          }
        });
      } catch (err) {
        this.cannotJoin(group, universe, err as Error);
      }
      return;
    }
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('message', (data, rinfo) => this.udp.take({ data, from: rinfo }));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.udp.status().port, group, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      socket.addMembership(group, this.o.host);
      socket.on('error', (err) => this.o.log(`sACN group ${group}: ${err.message}`));
      this.groups.set(universe, () => socket.close());
    } catch (err) {
      socket.close();
      this.cannotJoin(group, universe, err as Error);
    }
  }

  /** Loopback usually carries no multicast; unicast to the bound address still works, so this is a note. */
  private cannotJoin(group: string, universe: number, err: Error): void {
    this.o.log(
      `sACN: cannot join ${group} on ${this.o.host} (${err.message}); universe ${universe} is heard by unicast only.`,
    );
  }

  private handle({ data }: Datagram): string | undefined {
    const decoded = decodeSacn(data);
    if (!decoded.ok) return decoded.reason;
    const p = decoded.packet;
    if (p.preview) return 'preview';
    if (!this.sink.wants('sacn', p.universe)) return 'unmapped';
    const key = `${p.cid}:${p.universe}`;
    if (p.terminated) {
      this.sequences.delete(key);
      this.sink.drop('sacn', p.universe, p.cid);
      return undefined;
    }
    if (outOfOrder(this.sequences.get(key), p.sequence)) return 'out_of_order';
    const refused = this.sink.put('sacn', p.universe, p.cid, p.data, p.priority);
    if (refused === undefined) this.sequences.set(key, p.sequence);
    return refused;
  }
}
