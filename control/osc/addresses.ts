/**
 * The OSC address space, described once: what each `/scope/…` address names (a parameter, the same parameter
 * scoped to its pipeline, the pipeline query and load, a command), its argument types and meaning. The router
 * resolves incoming addresses with it, `/api/v1/osc/paths` lists it, and OSCQuery builds its tree from it.
 */
import type { Command, CommandArg } from '../../src/kernel/commands';
import type { ParamSpec } from '../../src/params/spec';

export const OSC_PREFIX = '/scope';

/** What resolving one address needs to know. */
export interface AddressResolver {
  spec(name: string): ParamSpec | undefined;
  activePipeline(): string | undefined;
  hasPipeline(id: string): boolean;
  command(name: string): Command | undefined;
}

/** What the whole address space is made of at a moment: the active pipeline's parameters, pipelines, commands. */
export interface AddressSource extends AddressResolver {
  specs(): Readonly<Record<string, ParamSpec>>;
  pipelineIds(): string[];
  commands(): Command[];
}

/** The address space of the running server (ScopeServices fits `deps`). */
export function addressSource(deps: {
  params: { spec(name: string): ParamSpec | undefined; all(): Readonly<Record<string, ParamSpec>> };
  host: { activeId: string | undefined };
  registry: { get(id: string): unknown; ids(): string[] };
  commands?: { get(name: string): Command | undefined; all(): Command[] };
}): AddressSource {
  return {
    spec: (name) => deps.params.spec(name),
    specs: () => deps.params.all(),
    activePipeline: () => deps.host.activeId,
    hasPipeline: (id) => deps.registry.get(id) !== undefined,
    pipelineIds: () => deps.registry.ids(),
    command: (name) => deps.commands?.get(name),
    commands: () => deps.commands?.all() ?? [],
  };
}

/** What one incoming address names; `undefined` when nothing. */
export type Target =
  | { kind: 'param'; name: string; spec: ParamSpec }
  | { kind: 'pipeline' }
  | { kind: 'pipeline-load' }
  | { kind: 'command'; command: Command }
  | { kind: 'inactive-pipeline'; pipeline: string };

/**
 * Resolves an address. `/scope/pipeline` and `/scope/pipeline/load` unless a parameter is named `pipeline`; one part:
 * a parameter, else a command; more parts: a command, else `/scope/<active pipeline>/<param>`. So a pipeline's
 * parameter is never hidden by a command of the same name.
 */
export function resolveAddress(src: AddressResolver, address: string): Target | undefined {
  if (!address.startsWith(`${OSC_PREFIX}/`)) return undefined;
  const parts = address.slice(OSC_PREFIX.length + 1).split('/');
  if (parts[0] === 'pipeline' && !src.spec('pipeline')) {
    if (parts.length === 1) return { kind: 'pipeline' };
    return parts.length === 2 && parts[1] === 'load' ? { kind: 'pipeline-load' } : undefined;
  }
  if (parts.length === 1) {
    const spec = src.spec(parts[0]!);
    if (spec) return { kind: 'param', name: parts[0]!, spec };
  }
  const command = src.command(parts.join('/'));
  if (command) return { kind: 'command', command };
  if (parts.length !== 2) return undefined;
  const [pipeline, name] = parts as [string, string];
  if (pipeline !== src.activePipeline()) {
    return src.hasPipeline(pipeline) ? { kind: 'inactive-pipeline', pipeline } : undefined;
  }
  const spec = src.spec(name);
  return spec ? { kind: 'param', name, spec } : undefined;
}

/** One listed address, for people and for OSCQuery. */
export interface OscAddress {
  address: string;
  target: Target;
  /** OSC type tags accepted; the first is the one replies and feedback use. */
  types: string;
  description: string;
  /** Readable (answers a query / streams), writable, or both. */
  access: 'read' | 'write' | 'read-write';
  /** Only listed for people: the same parameter under its pipeline's name. */
  alias?: boolean;
}

const PARAM_TYPES: Record<ParamSpec['kind'], string> = {
  number: 'f i d',
  int: 'i f d',
  bool: 'T F i',
  enum: 's i',
  text: 's',
  trigger: '(none) i T',
  color: 'fff s r',
};
const COMMAND_TYPES: Record<CommandArg, string> = {
  none: '(none)',
  bool: 'T F i s',
  string: 's',
  'string-or-int': 's i',
  number: 'f i',
};

/**
 * Every address that names something, aliases last. Built from the same rules as resolveAddress: an entry is kept
 * only if the address resolves to it, so what is listed is exactly what the router does.
 */
export function listAddresses(src: AddressSource): OscAddress[] {
  return candidates(src).filter((a) => sameTarget(resolveAddress(src, a.address), a.target));
}

function sameTarget(a: Target | undefined, b: Target): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'param' && b.kind === 'param') return a.name === b.name;
  if (a.kind === 'command' && b.kind === 'command') return a.command === b.command;
  return true;
}

function candidates(src: AddressSource): OscAddress[] {
  const out: OscAddress[] = [];
  const specs = src.specs();
  for (const [name, spec] of Object.entries(specs)) {
    out.push({
      address: `${OSC_PREFIX}/${name}`,
      target: { kind: 'param', name, spec },
      types: PARAM_TYPES[spec.kind],
      description: spec.description ?? spec.label ?? name,
      access: spec.kind === 'trigger' ? 'write' : 'read-write',
    });
  }
  if (!('pipeline' in specs)) {
    out.push(
      {
        address: `${OSC_PREFIX}/pipeline`,
        target: { kind: 'pipeline' },
        types: '(none)',
        description: 'query: replies with the active pipeline id',
        access: 'read',
      },
      {
        address: `${OSC_PREFIX}/pipeline/load`,
        target: { kind: 'pipeline-load' },
        types: 's',
        description: 'load a pipeline by id',
        access: 'write',
      },
    );
  }
  for (const command of src.commands()) {
    out.push({
      address: `${OSC_PREFIX}/${command.name}`,
      target: { kind: 'command', command },
      types: COMMAND_TYPES[command.arg],
      description: command.description,
      access: 'write',
    });
  }
  const pipeline = src.activePipeline();
  if (pipeline) {
    for (const [name, spec] of Object.entries(specs)) {
      out.push({
        address: `${OSC_PREFIX}/${pipeline}/${name}`,
        target: { kind: 'param', name, spec },
        types: 'as above',
        description: `${name}, only while ${pipeline} is active`,
        access: spec.kind === 'trigger' ? 'write' : 'read-write',
        alias: true,
      });
    }
  }
  return out;
}
