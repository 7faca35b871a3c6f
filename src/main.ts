import type { ShowSync } from './show/show-sync';
import type { NatsShow } from './show-setup';
import type { OrtRuntime } from './runtime/ort';
import type { ScopeServices } from './kernel/services';
import { startServices } from './kernel/service-list';
import type { ModelManager } from './models';
import type { PresetStore } from './presets/index';
import type { PluginReport } from './plugins/index';
import type { OscService } from '../control/osc/service';
import type { OscQueryService } from '../control/oscquery/service';
import type { MidiService } from '../control/midi/service';
import type { OutputHub } from '../outputs/hub';
import type { DmxSetup } from './dmx-setup';
import type { PerformSetup } from './perform-setup';
import type { InputHub } from '../inputs/hub';
import { buildCore } from './scope-core';
import type { ScopeCore } from './scope-core';
import { scopeServiceList } from './scope-services';
import type { Provided, ServiceRoutes } from './scope-service-kit';
import { scopeDefaults } from './scope-options';
import type { ScopeOptions } from './scope-options';

export { scopeDefaults };
export type { ScopeOptions };

export interface Scope {
  url: string;
  port: number;
  services: ScopeServices;
  osc: OscService | undefined;
  oscQuery: OscQueryService | undefined;
  models: ModelManager;
  runtime: OrtRuntime;
  presets: PresetStore;
  midi: MidiService | undefined;
  /** DMX in (Art-Net/sACN listeners, mappings) and the DMX output. */
  dmx: DmxSetup;
  outputs: OutputHub;
  inputs: InputHub;
  performing: PerformSetup;
  /** The show this node joined (`--nats`), and the sync that applies its changes; undefined when alone. */
  show: NatsShow | undefined;
  sync: ShowSync | undefined;
  /** Every plugin found, loaded or not (`GET /api/v1/plugins`). */
  plugins: PluginReport[];
  /** Listening beyond loopback: other machines need `token`. */
  lan: boolean;
  /** The LAN-mode token; undefined on loopback. */
  token: string | undefined;
  stop(): Promise<void>;
}

/**
 * The composition root: builds the core, then starts the service list (src/scope-services.ts) in its order; a
 * failure during the start stops what had started, in reverse; stop() ends everything in reverse order.
 */
export async function startScope(options: Partial<ScopeOptions> = {}): Promise<Scope> {
  const o = { ...scopeDefaults, ...options } satisfies ScopeOptions;
  const core = await buildCore(o);
  const running = await startServices<ScopeCore & Provided, ServiceRoutes>(scopeServiceList, core);
  const http = running.get('http');
  const displayHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${displayHost}:${http.port}`,
    port: http.port,
    services: core.services,
    osc: running.get('osc'),
    oscQuery: running.get('oscQuery'),
    models: core.models,
    runtime: core.runtime,
    presets: core.presets,
    midi: running.get('midi'),
    dmx: running.get('dmx'),
    outputs: running.get('outputs'),
    inputs: running.get('inputs'),
    performing: running.get('performing'),
    show: core.show,
    sync: core.sync,
    plugins: core.plugins,
    lan: core.lan,
    token: core.token,
    stop: () => running.stop(),
  };
}

/** Runs until SIGINT/SIGTERM, then stops everything in order and exits; a second Ctrl-C exits at once. */
export async function runUntilSignal(scope: Scope): Promise<void> {
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      scope.services.log(`${signal}: stopping…`);
      const force = setTimeout(() => process.exit(1), 5000).unref();
      void scope.stop().then(() => {
        clearTimeout(force);
        resolve();
        process.exit(0);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
