import { Hono } from 'hono';
import { OSC_PREFIX } from './router';
import type { ParamSpec } from '../../src/params/spec';
import type { ScopeServices } from '../../src/kernel/services';

export interface OscPath {
  address: string;
  /** OSC type tags accepted; the first is the one replies and feedback use. */
  types: string;
  description: string;
  range?: { min: number; max: number };
  options?: readonly string[];
}

function typesOf(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'number':
      return 'f i d';
    case 'int':
      return 'i f d';
    case 'bool':
      return 'T F i';
    case 'enum':
      return 's i';
    case 'text':
      return 's';
    case 'trigger':
      return '(none) i T';
    case 'color':
      return 'fff s r';
  }
}

/** Every OSC address of the active pipeline, for people wiring up a controller. */
export function oscPaths(services: ScopeServices): OscPath[] {
  const pipeline = services.host.activeId;
  const paths: OscPath[] = Object.entries(services.params.all()).map(([name, spec]) => ({
    address: `${OSC_PREFIX}/${name}`,
    types: typesOf(spec),
    description: spec.description ?? spec.label ?? name,
    ...(spec.kind === 'number' || spec.kind === 'int' ? { range: { min: spec.min, max: spec.max } } : {}),
    ...(spec.kind === 'enum' ? { options: spec.options } : {}),
  }));
  if (pipeline) {
    for (const name of Object.keys(services.params.all())) {
      paths.push({
        address: `${OSC_PREFIX}/${pipeline}/${name}`,
        types: 'as above',
        description: `${name}, only while ${pipeline} is active`,
      });
    }
  }
  paths.push(
    {
      address: `${OSC_PREFIX}/pipeline/load`,
      types: 's',
      description: 'load a pipeline by id',
      options: services.registry.ids(),
    },
    { address: `${OSC_PREFIX}/pipeline`, types: '(none)', description: 'query: replies with the active pipeline id' },
  );
  const commandTypes = { none: '(none)', bool: 'T F i', string: 's', 'string-or-int': 's i', number: 'f i' } as const;
  for (const command of services.commands.all()) {
    paths.push({
      address: `${OSC_PREFIX}/${command.name}`,
      types: commandTypes[command.arg],
      description: command.description,
    });
  }
  return paths;
}

/** `GET /api/v1/osc/paths`. */
export function oscRoutes(services: ScopeServices): Hono {
  const api = new Hono();
  api.get('/osc/paths', (c) => c.json({ pipeline: services.host.activeId ?? null, paths: oscPaths(services) }));
  return api;
}
