import type { PipelineDefinition } from '../src/engine/pipeline';
import { neuralField } from './neural-field/neural-field';
import { passthrough } from './passthrough/passthrough';
import { longlive } from './longlive/longlive';
import { streamDiffusion } from './streamdiffusion/streamdiffusion';
import { streamDiffusionV2 } from './streamdiffusionv2/streamdiffusionv2';
import { streamDiffusionManifests } from './streamdiffusion/manifests';
import { ipAdapterSdxlVitHManifest } from './streamdiffusion/reference/manifests';
import { depthAnythingV2SmallManifest } from './shared/depth/depth-manifest';
import type { ModelManifest } from '../src/models/manifest';
import { testPattern } from './test-pattern/pattern';
import type { ExportManifest } from '../src/models/exports';
import { controlNetExports } from './streamdiffusion/control-exports';

/** Pipelines built into the server, the embedded default first. */
export const builtinPipelines: PipelineDefinition[] = [
  neuralField,
  testPattern,
  passthrough,
  streamDiffusion,
  longlive,
  streamDiffusionV2,
];

/** Loaded at start: runs on any CPU without downloads. */
export const defaultPipelineId = 'neural-field';

/** Model files the built-in pipelines can download (`daydream-scope download <id>`). */
export const modelManifests: ModelManifest[] = [
  ...streamDiffusionManifests,
  ipAdapterSdxlVitHManifest,
  depthAnythingV2SmallManifest,
];

/** Model files only an exporter makes (the ControlNets): listed with their command, never downloaded. */
export const modelExports: ExportManifest[] = [...controlNetExports];
