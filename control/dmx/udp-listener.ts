/**
 * The socket side shared by the Art-Net and sACN listeners: binds (or switches itself off with a sentence), counts
 * what it hears and what it refused, and never lets a datagram throw out of the socket's callback.
 */
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { listenOn, listenOrSwitchOff } from '../../src/kernel/listen';
import type { Socket } from 'node:dgram';
import type { DmxListenerStatus } from '../../src/shared/dmx';

export interface UdpListenerOptions {
  what: string;
  host: string;
  port: number;
  flag: string;
  log: (message: string) => void;
  /** In LAN mode, the senders heard (the `--osc-allow` list and this machine); everyone on loopback. */
  allow?: (address: string) => boolean;
}

export type Datagram = { data: Buffer; from: { address: string; port: number } };

export class UdpListener {
  private socket: Socket | undefined;
  private reason: string | null = 'not started';
  private received = 0;
  private readonly rejected: Record<string, number> = {};

  constructor(
    private readonly o: UdpListenerOptions,
    private readonly onDatagram: (d: Datagram) => string | undefined,
  ) {}

  /** Binds; resolves either way: a port that cannot be had leaves this listener off, saying why. */
  async start(): Promise<void> {
    if (this.socket) return;
    const socket = createSocket({ type: isIPv6(this.o.host) ? 'udp6' : 'udp4' });
    const failed = await listenOrSwitchOff(
      { what: this.o.what, host: this.o.host, port: this.o.port, flag: this.o.flag },
      () => listenOn(socket, () => socket.bind(this.o.port, this.o.host)),
      this.o.log,
    );
    if (failed) {
      socket.close();
      this.reason = failed;
      return;
    }
    socket.on('error', (err) => this.o.log(`${this.o.what} socket error: ${err.message}`));
    socket.on('message', (data, rinfo) => this.take({ data, from: rinfo }));
    this.socket = socket;
    this.reason = null;
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (this.reason === null) this.reason = 'stopped';
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** The bound socket, for replies and multicast membership; undefined while off. */
  get bound(): Socket | undefined {
    return this.socket;
  }

  /** Counts a datagram (from this socket or a multicast group's) and what its handler refused. */
  take(d: Datagram): void {
    this.received++;
    let refused: string | undefined;
    try {
      refused = this.o.allow && !this.o.allow(d.from.address) ? 'sender_not_allowed' : this.onDatagram(d);
    } catch (err) {
      // A handler bug must not take the socket down; it is counted like a refusal and said once per kind.
      refused = 'internal';
      this.o.log(`${this.o.what}: a packet could not be handled: ${(err as Error).message}`);
    }
    if (refused !== undefined) this.rejected[refused] = (this.rejected[refused] ?? 0) + 1;
  }

  status(): DmxListenerStatus {
    return {
      enabled: this.socket !== undefined,
      reason: this.reason,
      host: this.o.host,
      port: this.socket ? this.socket.address().port : 0,
      received: this.received,
      rejected: { ...this.rejected },
    };
  }
}

/** The status of a listener that was not asked for. */
export const offStatus = (host: string, flag: string): DmxListenerStatus => ({
  enabled: false,
  reason: `off; start with ${flag} to listen`,
  host,
  port: 0,
  received: 0,
  rejected: {},
});
