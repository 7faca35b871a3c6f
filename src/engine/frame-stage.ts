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
