import type { ParamSpecs, ParamValues } from '../params/spec';

/**
 * What runs at each frame boundary around the parameter snapshot (the perform layer: quantised changes, cue fades,
 * modulators). `prepare` runs first, every frame, so changes due on this frame reach the store before the snapshot;
 * `modulate` turns the performer's snapshot into the values this frame renders with.
 */
export interface FrameStage {
  prepare(due: number): void;
  modulate(snapshot: ParamValues<ParamSpecs>, due: number): ParamValues<ParamSpecs>;
}

/** Several stages as one, in order: each prepares in turn, each modulates what the one before made. */
export function chainStages(...stages: FrameStage[]): FrameStage {
  return {
    prepare: (due) => {
      for (const s of stages) s.prepare(due);
    },
    modulate: (snapshot, due) => stages.reduce((values, s) => s.modulate(values, due), snapshot),
  };
}
