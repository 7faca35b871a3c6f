import { p } from '../params/spec';
import type { ParamSpecs } from '../params/spec';
import type { PipelineDefinition } from './pipeline';

export interface ResolutionDefaults {
  width: number;
  height: number;
}

/** Parameters every pipeline has: the output resolution, changed through a reload. */
export function commonParams(defaults: ResolutionDefaults): ParamSpecs {
  const res = { min: 64, max: 2048, step: 8, unit: 'px', mode: 'load', group: 'output' } as const;
  return {
    width: p.int(defaults.width, { ...res, label: 'Width', description: 'Output width in pixels (reloads)' }),
    height: p.int(defaults.height, { ...res, label: 'Height', description: 'Output height in pixels (reloads)' }),
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
