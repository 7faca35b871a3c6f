import { pathToFileURL } from 'node:url';
import type { PipelineDefinition } from '../engine/pipeline';
import type { PipelineRegistry } from '../engine/registry';
import { pluginApi } from './api';
import { findPlugins } from './discover';
import type { FoundPlugin } from './discover';
import { checkDefinition } from './validate';
import type { PluginReport } from '../shared/plugins';

export type { PluginReport };

export interface PluginOptions {
  /** Files or folders given with `--plugin`, relative to `cwd`. */
  paths: string[];
  /** node_modules folders whose packages may declare pipelines (see discover.ts). */
  search: string[];
  /** The server's version, handed to plugins. */
  version: string;
  log: (message: string) => void;
  cwd?: string;
}

/**
 * Finds and loads pipeline plugins into the registry. A plugin is all or nothing: if it cannot be imported,
 * exports no pipelines, throws, declares an invalid pipeline or an id already taken, none of its pipelines are
 * registered, and its report says why. Nothing here throws: a broken plugin never stops the server.
 */
export async function loadPlugins(registry: PipelineRegistry, o: PluginOptions): Promise<PluginReport[]> {
  const owners = new Map(registry.ids().map((id) => [id, 'a built-in pipeline']));
  const reports: PluginReport[] = [];
  for (const found of await findPlugins(o.paths, o.search, o.cwd)) {
    const report = await loadOne(registry, found, owners, o.version);
    reports.push(report);
    if (report.state === 'loaded') {
      o.log(`plugin ${report.source}: ${report.pipelines.join(', ') || 'no pipelines'}`);
    } else {
      o.log(`plugin ${report.source} not loaded: ${report.error}`);
    }
  }
  return reports;
}

async function loadOne(
  registry: PipelineRegistry,
  found: FoundPlugin,
  owners: Map<string, string>,
  version: string,
): Promise<PluginReport> {
  if ('error' in found)
    return { source: found.source, entry: null, state: 'failed', pipelines: [], error: found.error };
  const { source, entry } = found;
  const failed = (error: string): PluginReport => ({ source, entry, state: 'failed', pipelines: [], error });
  let exported: unknown;
  try {
    const mod: unknown = await import(pathToFileURL(entry).href);
    exported = typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : undefined;
  } catch (err) {
    return failed(`could not import ${entry}: ${messageOf(err)}`);
  }
  let values: unknown[];
  try {
    const result: unknown = typeof exported === 'function' ? await exported(pluginApi(version)) : exported;
    values = Array.isArray(result) ? result : typeof result === 'object' && result !== null ? [result] : [];
  } catch (err) {
    return failed(`its exported function threw: ${messageOf(err)}`);
  }
  if (values.length === 0) {
    return failed(
      'it exports no pipelines: the default export must be a pipeline definition, a list of them, ' +
        'or a function of the plugin API that returns them',
    );
  }
  const defs: PipelineDefinition[] = [];
  for (const [i, value] of values.entries()) {
    const checked = checkDefinition(value);
    if (!checked.ok) return failed(`pipeline ${nameOf(value, i)} is invalid: ${checked.reason}`);
    defs.push(checked.def);
  }
  const ids = new Set<string>();
  for (const { id } of defs) {
    const owner = owners.get(id);
    if (owner) return failed(`pipeline id "${id}" is taken by ${owner}`);
    if (ids.has(id)) return failed(`it declares pipeline "${id}" twice`);
    ids.add(id);
  }
  for (const def of defs) {
    registry.register(def);
    owners.set(def.id, `plugin ${source}`);
  }
  return { source, entry, state: 'loaded', pipelines: [...ids], error: null };
}

function nameOf(value: unknown, index: number): string {
  const id = typeof value === 'object' && value !== null && 'id' in value ? value.id : undefined;
  return typeof id === 'string' ? `"${id}"` : `#${index + 1}`;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
