/**
 * DNS-SD over mDNS: `_oscjson._tcp` for the OSCQuery HTTP port and `_osc._udp` for the OSC port, so
 * controllers (TouchOSC, Chataigne, Vezér) find the server by themselves. A network without multicast costs
 * one log line, never the service.
 */
import { Bonjour } from 'bonjour-service';
import type { ServiceConfig } from 'bonjour-service';

export interface Advertisement {
  name: string;
  httpPort: number;
  /** The OSC UDP port; 0 = OSC is off, so only `_oscjson._tcp` is advertised. */
  oscPort: number;
}

/** The service configs advertised for `ad` (what a browser on the network will see). */
export function serviceConfigs(ad: Advertisement): ServiceConfig[] {
  const configs: ServiceConfig[] = [{ name: ad.name, type: 'oscjson', protocol: 'tcp', port: ad.httpPort }];
  if (ad.oscPort > 0) configs.push({ name: ad.name, type: 'osc', protocol: 'udp', port: ad.oscPort });
  return configs;
}

/** Publishes the services; `stop()` withdraws them and closes the multicast socket. */
export class MdnsAdvertiser {
  private bonjour: Bonjour | undefined;
  private failed = false;

  constructor(private readonly log: (message: string) => void) {}

  /** Starts advertising; failures are logged once and swallowed. */
  start(ad: Advertisement): void {
    try {
      this.bonjour = new Bonjour({}, (err: Error) => this.fail(err));
      for (const config of serviceConfigs(ad)) {
        this.bonjour.publish(config).on('error', (err: Error) => this.fail(err));
      }
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /** Unpublishes (sending goodbye packets) and closes the socket. */
  async stop(): Promise<void> {
    const bonjour = this.bonjour;
    this.bonjour = undefined;
    if (!bonjour) return;
    await new Promise<void>((resolve) => {
      // The goodbye goes out over multicast; a network that swallows it must not hold up shutdown.
      setTimeout(resolve, 1000).unref();
      try {
        bonjour.unpublishAll(() => bonjour.destroy(() => resolve()));
      } catch {
        resolve();
      }
    });
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.log(
      `OSCQuery could not advertise itself over mDNS (${err.message}); controllers must be given the port by hand.`,
    );
  }
}
