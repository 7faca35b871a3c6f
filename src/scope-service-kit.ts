/** The types and helpers the root's service descriptors share (src/scope-services.ts, src/control-services.ts). */
import type { Hono } from 'hono';
import type { HttpServer } from './server/http';
import type { AppSelf } from './server/in-process';
import type { OscService } from '../control/osc/service';
import type { OscQueryService } from '../control/oscquery/service';
import type { MidiService } from '../control/midi/service';
import type { OutputHub } from '../outputs/hub';
import type { Output } from '../outputs/output';
import type { MjpegOutput } from '../outputs/mjpeg/mjpeg-output';
import type { PerformSetup } from './perform-setup';
import type { DmxSetup } from './dmx-setup';
import type { TimecodeSetup } from './timecode-setup';
import type { InputHub } from '../inputs/hub';
import { service } from './kernel/service-list';
import type { AnyService, Running } from './kernel/service-list';
import type { CommandRegistry } from './kernel/commands';
import type { ScopeCore } from './scope-core';

/** What a service mounts on the HTTP server: under /api/v1, at the root, and routes that call the app itself. */
export interface ServiceRoutes {
  api?: Hono[];
  root?: Hono[];
  self?: ((self: AppSelf) => Hono)[];
}

/** What services provide to the ones after them (and to the Scope that startScope returns). */
export interface Provided {
  /** Outputs built by other services (DMX), registered in the output hub beside the built-in ones. */
  moreOutputs: { output: Output; enabled: boolean }[];
  dmx: DmxSetup;
  midi: MidiService | undefined;
  outputs: OutputHub;
  mjpeg: MjpegOutput;
  performing: PerformSetup;
  timecode: TimecodeSetup;
  inputs: InputHub;
  http: HttpServer;
  osc: OscService | undefined;
  oscQuery: OscQueryService | undefined;
}

export type ScopeService = AnyService<ScopeCore & Provided, ServiceRoutes>;
export const scopeService = service<ScopeCore & Provided, ServiceRoutes>();

/** What a service switched off provides: the name, as undefined (the services after it check for it). */
export const off = <K extends 'midi' | 'osc' | 'oscQuery'>(key: K) => ({ [key]: undefined }) as Pick<Provided, K>;

/** Runs `start` and adds the names of the commands it registered to what it returns. */
export async function noting<P>(
  commands: CommandRegistry,
  start: () => Promise<Running<ServiceRoutes, P>> | Running<ServiceRoutes, P>,
): Promise<Running<ServiceRoutes, P>> {
  const before = new Set(commands.all().map((c) => c.name));
  const running = await start();
  return { ...running, commands: commands.all().flatMap((c) => (before.has(c.name) ? [] : [c.name])) };
}
