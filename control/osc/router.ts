/**
 * The OSC address space of the server, without sockets: one message in, one outcome out. Every value goes
 * through `ParamStore.set(path, value, 'osc')`, so clamping and rejection are the store's.
 */
import { OSC_PREFIX, resolveAddress } from './addresses';
import type { OscArg, OscMessage } from './codec';
import type { ParamStore } from '../../src/params/store';
import type { ParamSpec, ParamValue } from '../../src/params/spec';
import { coerceCommandArg } from '../../src/kernel/commands';
import type { Command, CommandValue } from '../../src/kernel/commands';

/** Why a message changed nothing; counted per kind in the service's status. */
export type OscErrorKind =
  | 'malformed'
  | 'unknown-address'
  | 'wrong-type'
  | 'rejected'
  | 'not-active'
  | 'unknown-pipeline'
  | 'feedback'
  | 'dropped'
  | 'refused';

/** The narrow facade of the app the router sees. */
export interface OscRouterDeps {
  params: Pick<ParamStore, 'set' | 'get' | 'spec'>;
  activePipeline(): string | undefined;
  hasPipeline(id: string): boolean;
  /** Starts loading; the router does not wait for it. */
  loadPipeline(id: string): void;
  /** Commands that are not parameters (`/scope/preset/recall`, `/scope/pause`); none when left out. */
  command?(name: string): Command | undefined;
}

/** The router's facade over the app, with every write tagged `source` (so feedback skips the sender). */
export function routerDeps(
  deps: {
    params: ParamStore;
    host: { activeId: string | undefined; load(id: string): Promise<void> };
    registry: { get(id: string): unknown };
    log: (m: string) => void;
    commands?: { get(name: string): Command | undefined };
  },
  source: string,
  label: string,
): OscRouterDeps {
  const { params } = deps;
  return {
    params: {
      spec: (p) => params.spec(p),
      get: (p) => params.get(p),
      set: (p, v, _s, o) => params.set(p, v, source, o),
    },
    activePipeline: () => deps.host.activeId,
    hasPipeline: (id) => deps.registry.get(id) !== undefined,
    loadPipeline: (id) => {
      deps.host.load(id).catch((err: Error) => deps.log(`${label}: loading ${id} failed: ${err.message}`));
    },
    command: (name) => deps.commands?.get(name),
  };
}

export type RouteOutcome =
  | { kind: 'applied'; path: string; value: ParamValue }
  | { kind: 'reply'; message: OscMessage }
  | { kind: 'loading'; pipeline: string }
  | { kind: 'command'; name: string; detail?: string }
  | { kind: 'error'; error: OscErrorKind; detail: string };

const fail = (error: OscErrorKind, detail: string): RouteOutcome => ({ kind: 'error', error, detail });
const NUMERIC = new Set(['f', 'd', 'i', 'h']);

/** Routes one message: set, query, fire or load. Never throws. */
export function routeMessage(deps: OscRouterDeps, message: OscMessage): RouteOutcome {
  const { address, args } = message;
  const target = resolveAddress(
    {
      spec: (name) => deps.params.spec(name),
      activePipeline: deps.activePipeline,
      hasPipeline: deps.hasPipeline,
      command: (name) => deps.command?.(name),
    },
    address,
  );
  if (!target) return fail('unknown-address', `${address}: no such parameter or address`);
  switch (target.kind) {
    case 'inactive-pipeline':
      return fail('not-active', `${address}: pipeline "${target.pipeline}" is not active`);
    case 'pipeline':
      if (args.length > 0) return fail('unknown-address', `${address}: use ${OSC_PREFIX}/pipeline/load <id>`);
      return { kind: 'reply', message: { address, args: [str(deps.activePipeline() ?? '')] } };
    case 'pipeline-load':
      return loadPipeline(deps, address, args);
    case 'command':
      return runCommand(target.command, args, address);
    case 'param':
      return routeParam(deps, target.name, target.spec, message);
  }
}

const QUANTIZE = /^(off|beat|bar|[1-9][0-9]?bars?)$/;

function routeParam(deps: OscRouterDeps, path: string, spec: ParamSpec, message: OscMessage): RouteOutcome {
  const { address } = message;
  // A last string argument after the value that reads as a quantise (`bar`, `4bars`) times the change.
  const last = message.args.at(-1);
  const quantize =
    message.args.length >= 2 && last && (last.type === 's' || last.type === 'S') && QUANTIZE.test(String(last.value))
      ? String(last.value)
      : undefined;
  const args = quantize === undefined ? message.args : message.args.slice(0, -1);
  if (spec.kind === 'trigger') {
    // Any argument or none fires; an explicit false/0 is a button's release and fires nothing.
    const first = args[0] ? plainValue(args[0]) : true;
    return apply(deps, path, first === undefined ? true : first, address, quantize);
  }
  if (args.length === 0) {
    const value = deps.params.get(path)!;
    return { kind: 'reply', message: { address, args: [typedArg(spec, value)] } };
  }
  const value = messageValue(spec, args);
  if (value === undefined) {
    const types = args.map((a) => a.type).join('');
    return fail('wrong-type', `${address}: cannot use arguments of type "${types}" for a ${spec.kind} parameter`);
  }
  return apply(deps, path, value, address, quantize);
}

function loadPipeline(deps: OscRouterDeps, address: string, args: OscArg[]): RouteOutcome {
  const id = args.length === 1 && (args[0]!.type === 's' || args[0]!.type === 'S') ? args[0]!.value : undefined;
  if (typeof id !== 'string') return fail('wrong-type', `${address} takes one string, the id`);
  if (!deps.hasPipeline(id)) return fail('unknown-pipeline', `${address}: unknown pipeline "${id}"`);
  deps.loadPipeline(id);
  return { kind: 'loading', pipeline: id };
}

function runCommand(command: Command, args: OscArg[], address: string): RouteOutcome {
  const arg = coerceCommandArg(command.arg, args[0] ? plainValue(args[0]) : undefined);
  if (!arg.ok) return fail('wrong-type', `${address} takes ${arg.expected}`);
  const value: CommandValue = arg.value;
  const result = command.run(value);
  if (!result.ok) return fail('rejected', `${address}: ${result.reason}`);
  return result.detail === undefined
    ? { kind: 'command', name: command.name }
    : { kind: 'command', name: command.name, detail: result.detail };
}

function apply(deps: OscRouterDeps, path: string, value: unknown, address: string, quantize?: string): RouteOutcome {
  const result = deps.params.set(path, value, 'osc', quantize === undefined ? {} : { quantize });
  if (!result.ok) return fail('rejected', `${address}: ${result.reason}`);
  return { kind: 'applied', path, value: result.value };
}

/** The value of a whole message for `spec`, or undefined when the argument types cannot express one. */
function messageValue(spec: ParamSpec, args: OscArg[]): unknown {
  if (spec.kind === 'color') {
    // [r, g, b(, a)] as floats 0..1, the way TouchDesigner and most controllers send colours.
    if ((args.length === 3 || args.length === 4) && args.every((a) => NUMERIC.has(a.type))) {
      return args.slice(0, 3).map((a) => a.value);
    }
    if (args.length === 1 && args[0]!.type === 'r') {
      const { r, g, b } = args[0]!.value as { r: number; g: number; b: number };
      return [r / 255, g / 255, b / 255];
    }
  }
  return args.length === 1 ? plainValue(args[0]!) : undefined;
}

/** One argument as a value the store's sanitize understands: number, boolean or string. */
function plainValue(arg: OscArg): number | boolean | string | undefined {
  if (NUMERIC.has(arg.type)) return arg.value as number;
  if (arg.type === 'T') return true;
  if (arg.type === 'F') return false;
  if (arg.type === 's' || arg.type === 'S') return arg.value as string;
  return undefined;
}

const str = (value: string): OscArg => ({ type: 's', value });

/** A stored value as an OSC argument typed by its spec (numbers as float32, the type every client reads). */
export function typedArg(spec: ParamSpec, value: ParamValue): OscArg {
  if (typeof value === 'boolean') return { type: value ? 'T' : 'F', value };
  if (typeof value === 'number') return { type: spec.kind === 'int' ? 'i' : 'f', value };
  return str(value);
}
