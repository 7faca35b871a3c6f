import { definePipeline } from '../engine/pipeline';
import type { PipelineDefinition } from '../engine/pipeline';
import { snapshotOf } from '../engine/snapshot';
import { p } from '../params/spec';

/** What the server hands a plugin's exported function: the builders, so a plugin needs no runtime import. */
export interface PluginApi {
  /** Version of the daydream-scope server loading the plugin. */
  version: string;
  /** Parameter spec builders: `p.number(1, { min: 0, max: 4 })`, `p.enum('a', ['a', 'b'])`, ... */
  p: typeof p;
  /** Declares a pipeline, so render() sees its parameters typed from their specs. */
  definePipeline: typeof definePipeline;
  /** A snapshot of defaults plus given values, for a plugin's own tests or pipelines run inside another. */
  snapshotOf: typeof snapshotOf;
}

type Definitions = PipelineDefinition | PipelineDefinition[];

/**
 * The default export of a plugin's entry module: a pipeline definition, a list of them, or a function of the
 * plugin API that returns them (or a promise of them).
 */
export type PluginExport = Definitions | ((api: PluginApi) => Definitions | Promise<Definitions>);

/** The API handed to plugins by a server of `version`. */
export function pluginApi(version: string): PluginApi {
  return { version, p, definePipeline, snapshotOf };
}
