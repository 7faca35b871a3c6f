import { p } from '../params/spec';
import type { ParamSpecs } from '../params/spec';
import type { PipelineDefinition } from './pipeline';

export interface ResolutionDefaults {
  width: number;
  height: number;
}

/**
 * Parameters every pipeline has: the output resolution, changed through a reload, and the frame interpolation
 * after the render (live: the engine reads it at each render, see src/engine/interpolation/).
 */
export function commonParams(defaults: ResolutionDefaults): ParamSpecs {
  const res = { min: 64, max: 2048, step: 8, unit: 'px', mode: 'load', group: 'output' } as const;
  return {
    width: p.int(defaults.width, { ...res, label: 'Width', description: 'Output width in pixels (reloads)' }),
    height: p.int(defaults.height, { ...res, label: 'Height', description: 'Output height in pixels (reloads)' }),
    interpolate: p.int(1, {
      min: 1,
      max: 4,
      step: 1,
      group: 'output',
      label: 'Interpolate',
      description:
        'Output frames made from each rendered one (1 = off); the pipeline renders at the frame rate divided by it, ' +
        'and a rendered frame shows one rendered frame later',
    }),
  };
}

/** Pipelines by id, in registration order. */
export class PipelineRegistry {
  private defs = new Map<string, PipelineDefinition>();

  constructor(definitions: PipelineDefinition[] = []) {
    for (const d of definitions) this.register(d);
  }

  register(def: PipelineDefinition): void {
    if (this.defs.has(def.id)) throw new Error(`pipeline "${def.id}" is registered twice`);
    this.defs.set(def.id, def);
  }

  get(id: string): PipelineDefinition | undefined {
    return this.defs.get(id);
  }

  list(): PipelineDefinition[] {
    return [...this.defs.values()];
  }

  ids(): string[] {
    return [...this.defs.keys()];
  }
}
