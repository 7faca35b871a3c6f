/**
 * The OSCQuery address space of the server as JSON nodes (Vidvox OSCQuery proposal), built from the
 * ParamStore on each request. Addresses are the ones control/osc/router.ts accepts on the OSC port.
 */
import { OSC_PREFIX } from '../osc/addresses';
import type { OscAddress } from '../osc/addresses';
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

const COMMAND_TYPES = { none: 'I', bool: 'T', string: 's', 'string-or-int': 's', number: 'f' } as const;

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

/** What the tree shows besides the addresses: current values and the pipelines one can load. */
export interface NamespaceValues {
  value(name: string): ParamValue | undefined;
  activePipeline: string | undefined;
  pipelineIds: string[];
}

/** The node of one address of the table. */
function addressNode(a: OscAddress, v: NamespaceValues): OscQueryNode {
  const t = a.target;
  switch (t.kind) {
    case 'param':
      return paramNode(t.name, t.spec, v.value(t.name));
    case 'pipeline':
      return {
        FULL_PATH: a.address,
        TYPE: 's',
        ACCESS: ACCESS.read,
        VALUE: [v.activePipeline ?? ''],
        RANGE: [{ VALS: v.pipelineIds }],
        DESCRIPTION: 'The active pipeline; send an id to /scope/pipeline/load to switch',
      };
    case 'pipeline-load':
      return {
        FULL_PATH: a.address,
        TYPE: 's',
        ACCESS: ACCESS.write,
        RANGE: [{ VALS: v.pipelineIds }],
        DESCRIPTION: 'Loads a pipeline by id',
      };
    case 'command':
      return {
        FULL_PATH: a.address,
        TYPE: COMMAND_TYPES[t.command.arg],
        ACCESS: ACCESS.write,
        DESCRIPTION: a.description,
      };
    case 'inactive-pipeline':
      return { FULL_PATH: a.address, ACCESS: ACCESS.none };
  }
}

/**
 * The whole tree from the one address table: `/`, `/scope`, a node per address (aliases left out), and
 * container nodes between the parts of longer addresses. A node may be both a value and a container.
 */
export function buildRoot(addresses: OscAddress[], values: NamespaceValues): OscQueryNode {
  const scope: OscQueryNode = { FULL_PATH: OSC_PREFIX, ACCESS: ACCESS.none, CONTENTS: {} };
  for (const a of addresses) {
    if (a.alias) continue;
    const parts = a.address.slice(OSC_PREFIX.length + 1).split('/');
    let parent = scope;
    let path = OSC_PREFIX;
    for (const part of parts.slice(0, -1)) {
      path = `${path}/${part}`;
      const contents = (parent.CONTENTS ??= {});
      parent = contents[part] ??= { FULL_PATH: path, ACCESS: ACCESS.none };
    }
    const leaf = parts.at(-1)!;
    const contents = (parent.CONTENTS ??= {});
    // A container made earlier for a longer address keeps its children under the node that now has a value.
    contents[leaf] = {
      ...addressNode(a, values),
      ...(contents[leaf]?.CONTENTS ? { CONTENTS: contents[leaf].CONTENTS } : {}),
    };
  }
  return { FULL_PATH: '/', ACCESS: ACCESS.none, CONTENTS: { [OSC_PREFIX.slice(1)]: scope } };
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
