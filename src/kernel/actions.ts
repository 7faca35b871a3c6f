/** Operations shared by the HTTP routes and the WebSocket: each validates first and changes nothing on rejection. */
import { paramsJsonSchema } from '../params/json-schema';
import { ScopeError, invalidParameters } from './errors';
import type { ParamValue } from '../params/spec';
import type { ParamSource, SetOptions } from '../params/store';
import type { ParametersResponse, PipelineStatus, Stats } from '../shared/api';
import { coerceCommandArg } from './commands';
import type { CommandValue } from './commands';
import type { ScopeServices } from './services';

/** Live client counts, for stats. */
export interface ClientCounts {
  ws(): number;
  mjpeg(): number;
}

/** The host's status, typed as the shape the panel sees (checked against the engine's type here). */
export function pipelineStatus(services: ScopeServices): PipelineStatus {
  return services.host.status();
}

/** Engine statistics with the pipeline state and the number of connected clients. */
export function statsOf(services: ScopeServices, clients: ClientCounts): Stats {
  return {
    ...services.engine.getStats(),
    state: services.host.state,
    paused: services.engine.isPaused,
    clients: { ws: clients.ws(), mjpeg: clients.mjpeg() },
    refused: services.refusals.snapshot(),
    memory: services.memory?.snapshot() ?? null,
    latency: services.engine.latency.snapshot(),
    outputDelayMs: services.outputDelay?.ms() ?? 0,
  };
}

/** The active parameter set: pipeline id, current values and JSON Schema. */
export function parameters(services: ScopeServices): ParametersResponse {
  return {
    pipeline: services.host.activeId ?? null,
    values: services.params.current(),
    schema: paramsJsonSchema(services.params.all()),
  };
}

/**
 * Applies a patch all or nothing; throws 400 `invalid_parameters` with a reason per rejected name. A quantised
 * patch (`options.quantize`, or the surface's setting) is checked now and lands on its beat: `scheduled`.
 */
export function setParameters(
  services: ScopeServices,
  patch: Record<string, unknown>,
  source: ParamSource,
  options: SetOptions = {},
): { values: Record<string, ParamValue>; scheduled?: number } {
  const result = services.params.setMany(patch, source, options);
  if (!result.ok) throw invalidParameters(result.errors, result.more);
  return result.scheduled === undefined
    ? { values: result.values }
    : { values: result.values, scheduled: result.scheduled };
}

/**
 * Starts loading a pipeline once its preflight passed (host.request). Unknown id: 404; `values` that its specs
 * reject: 400; a pipeline that cannot fit the memory budget: 507 saying what to free; files missing or damaged
 * (another check of the preflight): 409 `load_refused` with the sentence and the command that fixes it. In each
 * case nothing changes and the running pipeline goes on. A switch to a warm pipeline crossfades over `fadeMs`.
 * Resolves once the load started, with the status then and the promise of its end (which never rejects).
 */
export async function startLoad(
  services: ScopeServices,
  id: string,
  values: Record<string, unknown> = {},
  options: { fadeMs?: number } = {},
): Promise<{ done: Promise<void>; started: PipelineStatus }> {
  if (!services.registry.get(id)) {
    throw new ScopeError(
      'unknown_pipeline',
      `unknown pipeline "${id}"; known: ${services.registry.ids().join(', ') || '(none)'}`,
    );
  }
  const { done, started } = await services.host.request(id, values, options);
  return {
    started,
    done: done.catch((err: unknown) => {
      services.log(`loading ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    }),
  };
}

/**
 * Runs a command (`preset/recall`, `pause`, …) with a value checked against its argument kind. Unknown: 404;
 * a value of the wrong kind: 400; refused by the command (no such preset): 409 with its reason.
 */
export function runCommand(services: ScopeServices, name: string, value: CommandValue): string | undefined {
  const command = services.commands.get(name);
  if (!command) {
    const known = services.commands.all().map((c) => c.name);
    throw new ScopeError('unknown_command', `unknown command "${name}"; known: ${known.join(', ') || '(none)'}`);
  }
  const arg = coerceCommandArg(command.arg, value);
  if (!arg.ok) throw new ScopeError('invalid_body', `${name} takes ${arg.expected}`);
  const result = command.run(arg.value);
  if (!result.ok) throw new ScopeError('command_rejected', `${name}: ${result.reason}`);
  return result.detail;
}
