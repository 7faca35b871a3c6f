/**
 * The OSCQuery address space of the server as JSON nodes (Vidvox OSCQuery proposal), built from the
 * ParamStore on each request. Addresses are the ones control/osc/router.ts accepts on the OSC port.
 */
import { OSC_PREFIX } from '../osc/router';
import type { OscArg } from '../osc/codec';
import type { ParamSpec, ParamValue } from '../../src/params/spec';

/** OSCQuery ACCESS values. */
export const ACCESS = { none: 0, read: 1, write: 2, readWrite: 3 } as const;

export interface OscQueryNode {
  FULL_PATH: string;
  CONTENTS?: Record<string, OscQueryNode>;
  TYPE?: string;
  VALUE?: unknown[];
  RANGE?: ({ MIN: number; MAX: number } | { VALS: readonly string[] })[];
  ACCESS?: number;
  DESCRIPTION?: string;
  UNIT?: string[];
  CLIPMODE?: string[];
}

/** What the namespace is built from (ScopeServices fits it through a small adapter). */
export interface NamespaceSource {
  specs: Readonly<Record<string, ParamSpec>>;
  value(path: string): ParamValue | undefined;
  activePipeline: string | undefined;
  pipelineIds: string[];
  /** Commands that are not parameters (`preset/recall`, `pause`, `output/ndi/enabled`), write-only nodes. */
  commands?: { name: string; description: string; arg: 'none' | 'bool' | 'string' | 'string-or-int' | 'number' }[];
}

const COMMAND_TYPES = { none: 'I', bool: 'T', string: 's', 'string-or-int': 's', number: 'f' } as const;

/** Puts each command at its path below /scope, with container nodes between; parameters keep their names. */
function addCommands(scope: Record<string, OscQueryNode>, commands: NonNullable<NamespaceSource['commands']>): void {
  for (const command of commands) {
    const parts = command.name.split('/');
    let level = scope;
    let path = OSC_PREFIX;
    let clash = false;
    for (const part of parts.slice(0, -1)) {
      path = `${path}/${part}`;
      const node: OscQueryNode = (level[part] ??= { FULL_PATH: path, ACCESS: ACCESS.none, CONTENTS: {} });
      if (!node.CONTENTS) {
        clash = true;
        break;
      }
      level = node.CONTENTS;
    }
    const leaf = parts.at(-1)!;
    if (clash || leaf in level) continue;
    level[leaf] = {
      FULL_PATH: `${OSC_PREFIX}/${command.name}`,
      TYPE: COMMAND_TYPES[command.arg],
      ACCESS: ACCESS.write,
      DESCRIPTION: command.description,
    };
  }
}

const TYPES: Record<ParamSpec['kind'], string> = {
  number: 'f',
  int: 'i',
  bool: 'T',
  enum: 's',
  text: 's',
  trigger: 'I',
  color: 'r',
};

/** `#rrggbb` as OSCQuery writes colours in JSON: `#RRGGBBAA`. */
const jsonColor = (hex: string) => `${hex.toUpperCase()}FF`;

/** The JSON node of one parameter. */
export function paramNode(name: string, spec: ParamSpec, value: ParamValue | undefined): OscQueryNode {
  const node: OscQueryNode = {
    FULL_PATH: `${OSC_PREFIX}/${name}`,
    TYPE: TYPES[spec.kind],
    ACCESS: spec.kind === 'trigger' ? ACCESS.write : ACCESS.readWrite,
    DESCRIPTION: spec.description ?? spec.label ?? name,
  };
  if (spec.kind !== 'trigger' && value !== undefined) {
    node.VALUE = [spec.kind === 'color' && typeof value === 'string' ? jsonColor(value) : value];
  }
  if (spec.kind === 'number' || spec.kind === 'int') {
    node.RANGE = [{ MIN: spec.min, MAX: spec.max }];
    node.CLIPMODE = ['both'];
    if (spec.unit) node.UNIT = [spec.unit];
  }
  if (spec.kind === 'enum') node.RANGE = [{ VALS: spec.options }];
  return node;
}

/** The whole tree: `/`, `/scope`, one node per parameter, and `/scope/pipeline` with its `load` child. */
export function buildRoot(src: NamespaceSource): OscQueryNode {
  const scope: Record<string, OscQueryNode> = {};
  for (const [name, spec] of Object.entries(src.specs)) scope[name] = paramNode(name, spec, src.value(name));
  if (!('pipeline' in scope)) {
    const vals = [{ VALS: src.pipelineIds }];
    scope.pipeline = {
      FULL_PATH: `${OSC_PREFIX}/pipeline`,
      TYPE: 's',
      ACCESS: ACCESS.read,
      VALUE: [src.activePipeline ?? ''],
      RANGE: vals,
      DESCRIPTION: 'The active pipeline; send an id to /scope/pipeline/load to switch',
      CONTENTS: {
        load: {
          FULL_PATH: `${OSC_PREFIX}/pipeline/load`,
          TYPE: 's',
          ACCESS: ACCESS.write,
          RANGE: vals,
          DESCRIPTION: 'Loads a pipeline by id',
        },
      },
    };
  }
  addCommands(scope, src.commands ?? []);
  return {
    FULL_PATH: '/',
    ACCESS: ACCESS.none,
    CONTENTS: { [OSC_PREFIX.slice(1)]: { FULL_PATH: OSC_PREFIX, ACCESS: ACCESS.none, CONTENTS: scope } },
  };
}

/** The node at `path` (`/`, `/scope`, `/scope/zoom`, a trailing slash allowed), or undefined. */
export function findNode(root: OscQueryNode, path: string): OscQueryNode | undefined {
  let node: OscQueryNode | undefined = root;
  for (const part of path.split('/').filter(Boolean)) {
    node = node?.CONTENTS && Object.hasOwn(node.CONTENTS, part) ? node.CONTENTS[part] : undefined;
  }
  return node;
}

/** Every FULL_PATH below the root, for telling clients what appeared and what went. */
export function allPaths(node: OscQueryNode, out = new Set<string>()): Set<string> {
  for (const child of Object.values(node.CONTENTS ?? {})) {
    out.add(child.FULL_PATH);
    allPaths(child, out);
  }
  return out;
}

/** A stored value as the OSC argument its node's TYPE promises (what LISTEN streams). */
export function nodeArg(spec: ParamSpec, value: ParamValue): OscArg {
  switch (spec.kind) {
    case 'bool':
      return { type: value ? 'T' : 'F', value: Boolean(value) };
    case 'int':
      return { type: 'i', value };
    case 'number':
      return { type: 'f', value };
    case 'trigger':
      return { type: 'I', value: true };
    case 'color': {
      const n = Number.parseInt(String(value).slice(1), 16);
      return { type: 'r', value: { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255, a: 255 } };
    }
    default:
      return { type: 's', value: String(value) };
  }
}
