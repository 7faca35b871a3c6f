import { p } from '../params/spec';
import type { ParamSpecs } from '../params/spec';
import type { PipelineDefinition } from './pipeline';

export interface ResolutionDefaults {
  width: number;
  height: number;
}

/**
 * Parameters every pipeline has: the output resolution, changed through a reload, the frame interpolation after
 * the render (live: the engine reads it at each render, see src/engine/interpolation/) and the loop's depth (live:
 * latency or throughput, see src/engine/frame-depth.ts).
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
    pipelineDepth: p.int(1, {
      min: 1,
      max: 2,
      step: 1,
      group: 'output',
      label: 'Pipeline depth',
      description:
        '1 = latency: each frame is read back before the next is issued; 2 = throughput: the next frame is issued ' +
        'before this one is read back, so the device never waits for the loop, and frames show one rendered frame ' +
        'later (pipelines that cannot split their render stay at 1)',
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
