/**
 * DMX as the root runs it (a friend of the composition root, so it may name control/ and outputs/): the listeners
 * and mappings of control/dmx, applied once per rendered frame, and the DMX output of outputs/dmx reading the
 * parameters, the tempo clock and the cue list.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { DmxService } from '../control/dmx/service';
import { dmxRoutes } from '../control/dmx/routes';
import { DMX_MAPPINGS_FILE } from '../control/dmx/mappings-file';
import { dmxCommands } from '../control/dmx/commands';
import { DmxOutput, dmxOutputOptionsSchema } from '../outputs/dmx/dmx-output';
import type { Hono } from 'hono';
import type { DmxOptions } from './dmx-flags';
import type { ScopeServices } from './kernel/services';
import type { Timers } from './kernel/timers';
import type { Perform } from './perform';

export interface DmxSetup {
  service: DmxService;
  output: DmxOutput;
  routes: Hono;
  /** Whether the output is on from the start (`--dmx-out`). */
  outputOn: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Reads `--dmx-layout`; a file that is missing or not a layout stops the start with a sentence. */
export async function readDmxLayout(path: string): Promise<z.infer<typeof dmxOutputOptionsSchema>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`--dmx-layout: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`--dmx-layout: ${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = dmxOutputOptionsSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new Error(`--dmx-layout: ${path} is not a DMX layout: ${issues}`);
  }
  return parsed.data;
}

export async function setupDmx(o: {
  options: DmxOptions;
  /** The server's address: the listeners bind there (loopback unless the LAN was chosen). */
  host: string;
  services: ScopeServices;
  perform: Pick<Perform, 'tempo' | 'cues'>;
  configDir: string;
  timers: Timers;
  /** In LAN mode the senders heard, as for OSC (`--osc-allow` and this machine). */
  allow: ((address: string) => boolean) | undefined;
}): Promise<DmxSetup> {
  const { options: d, services } = o;
  const service = new DmxService(services, {
    artnet: d.artnet === null ? null : { host: o.host, port: d.artnet },
    sacn: d.sacn === null ? null : { host: o.host, port: d.sacn },
    merge: d.dmxMerge,
    mappingsFile: join(o.configDir, DMX_MAPPINGS_FILE),
    timers: o.timers,
    allow: o.allow,
    stamp: () => services.engine.clock.now(),
  });
  const layout = d.dmxLayout === undefined ? {} : await readDmxLayout(d.dmxLayout);
  const output = new DmxOutput(
    'dmx',
    { ...layout, ...(d.dmxOut ? { protocol: d.dmxOut.protocol, host: d.dmxOut.host } : {}) },
    {
      value: (path) => services.params.get(path),
      spec: (path) => services.params.spec(path),
      beat: () => o.perform.tempo.beatAt(),
      beatsPerBar: () => o.perform.tempo.beatsPerBar,
      cue: () => o.perform.cues.state().current,
    },
  );
  let detach: (() => void) | undefined;
  let removeCommands = () => {};
  return {
    service,
    output,
    routes: dmxRoutes(service),
    outputOn: d.dmxOut !== undefined,
    start: async () => {
      await service.start();
      // `dmx/learn <param>` from OSC (/scope/dmx/learn) and WebSocket clients, as MIDI learn is reached.
      removeCommands = dmxCommands(service, services.commands);
      // What arrived since the last frame is applied once per frame: a desk at 44 Hz costs the loop one pass.
      detach = services.engine.onFrame(() => service.flush());
    },
    stop: async () => {
      detach?.();
      removeCommands();
      await service.stop();
    },
  };
}
