/**
 * The DMX rows of the flag table and the options they set (`--artnet`, `--sacn`, `--dmx-merge`, `--dmx-out`,
 * `--dmx-layout`). Kept here so flags.ts and scope-options.ts grow by a line each.
 */
import { z } from 'zod';
import type { FlagDef } from './flags';

export const ARTNET_PORT = 6454;
export const SACN_PORT = 5568;

export interface DmxOptions {
  /** Listen for Art-Net on this UDP port (`--artnet`: 6454) of the server's address (loopback unless `--host`
   * chose the LAN); null = off. */
  artnet: number | null;
  /** Listen for sACN (E1.31) the same way (`--sacn`: 5568, and the mapped universes' multicast groups). */
  sacn: number | null;
  /** Several sources on one universe: the latest takes it all (ltp) or each channel its highest level (htp). */
  dmxMerge: 'ltp' | 'htp';
  /** Send DMX out from the start: the protocol, and where (an address, or `multicast` for sACN). */
  dmxOut: { protocol: 'artnet' | 'sacn'; host: string } | undefined;
  /** A JSON file of the DMX output's options (fixtures, channels, rate). */
  dmxLayout: string | undefined;
}

export const dmxDefaults: DmxOptions = {
  artnet: null,
  sacn: null,
  dmxMerge: 'ltp',
  dmxOut: undefined,
  dmxLayout: undefined,
};

const flag = <T>(def: FlagDef<T>): FlagDef => def as FlagDef;

const outTarget = z
  .string()
  .regex(
    /^(artnet|sacn)(:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|multicast))?$/,
    "expected artnet or sacn, optionally :<address> (sacn:multicast for the universes' groups)",
  )
  .transform((v) => {
    const [protocol, host] = v.split(':') as ['artnet' | 'sacn', string | undefined];
    return { protocol, host: host ?? '127.0.0.1' };
  });

export const DMX_FLAGS: FlagDef[] = [
  flag({
    name: 'artnet',
    help: 'listen for Art-Net (UDP 6454) on the server address; DMX channels drive parameters (/api/v1/dmx/mappings)',
    schema: z.boolean(),
    apply: () => ({ artnet: ARTNET_PORT }),
  }),
  flag({
    name: 'sacn',
    help: "listen for sACN / E1.31 (UDP 5568 and the mapped universes' multicast groups) the same way",
    schema: z.boolean(),
    apply: () => ({ sacn: SACN_PORT }),
  }),
  flag({
    name: 'dmx-merge',
    arg: '<ltp|htp>',
    help: 'several sources on one universe: the latest takes it all (ltp) or the highest level per channel (htp)',
    shows: dmxDefaults.dmxMerge,
    schema: z.enum(['ltp', 'htp']),
    apply: (v) => ({ dmxMerge: v }),
  }),
  flag({
    name: 'dmx-out',
    arg: '<proto[:addr]>',
    help: 'send DMX out from the start: artnet or sacn, to 127.0.0.1 or :<address> (sacn:multicast)',
    schema: outTarget,
    apply: (v) => ({ dmxOut: v }),
  }),
  flag({
    name: 'dmx-layout',
    arg: '<file>',
    help: "the DMX output's fixtures and channels as JSON (docs/dmx.md)",
    schema: z.string().min(1),
    apply: (v) => ({ dmxLayout: v }),
  }),
];
