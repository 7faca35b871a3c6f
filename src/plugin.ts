/**
 * The public API for pipeline plugins, `daydream-scope/plugin`. A plugin is a module whose default export is a
 * pipeline definition, a list of them, or a function of `PluginApi` returning them; see docs/pipelines.md "Plugins" and
 * examples/plugin-kaleidoscope. Import types from here (`import type`), and take the builders from the
 * `PluginApi` argument, so the plugin runs against whichever server loads it.
 */
export type { PluginApi, PluginExport } from './plugins/api';
export type {
  LoadContext,
  OutputSize,
  ParamSnapshot,
  Pipeline,
  PipelineDefinition,
  RenderContext,
} from './engine/pipeline';
export type { Image } from './engine/frame';
export type { ParamMode, ParamSpec, ParamSpecs, ParamValue, ParamValues, ValueOf } from './params/spec';
export { definePipeline } from './engine/pipeline';
export { snapshotOf } from './engine/snapshot';
export { p } from './params/spec';
