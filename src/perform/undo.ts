/**
 * What a perform change puts back when its file could not be saved: each function takes the state before the change
 * and answers the undo that restores it and tells the panel, so memory matches the file a restart would read.
 */
import type { Perform } from './perform';
import type { Modulator } from '../shared/perform';

/** The modulators with their live depth and rate (the parameters may have moved since they were saved). */
export function liveModulators(perform: Perform): Modulator[] {
  const params = perform.params;
  return perform.modulators.all().map((m) => ({
    ...m,
    depth: (params.get(`${m.id}.depth`) as number | undefined) ?? m.depth,
    rate: (params.get(`${m.id}.rate`) as number | undefined) ?? m.rate,
  }));
}

/** Puts the cue list back as it is now. */
export function cuesUndo(perform: Perform): () => void {
  const before = perform.cues.all();
  return () => {
    perform.cues.replace(before);
    perform.events.emit('cues', perform.cues.state());
  };
}

/** Puts the timeline back as it is now. */
export function timelineUndo(perform: Perform): () => void {
  const before = perform.timeline.get();
  return () => {
    perform.timeline.replace(before);
    perform.events.emit('timeline', perform.timeline.state());
  };
}

/** Puts the modulators back as they are now: the list, their depth and rate parameters and those values. */
export function modulatorsUndo(perform: Perform): () => void {
  const before = liveModulators(perform);
  return () => {
    const kept = new Set(before.map((m) => m.id));
    const added = perform.modulators.all().filter((m) => !kept.has(m.id));
    perform.modulators.replace(before);
    perform.defineModulatorParams({ add: before, remove: added.map((m) => m.id) });
    for (const m of before) {
      perform.params.set(`${m.id}.depth`, m.depth, 'perform', { quantize: 'off' });
      perform.params.set(`${m.id}.rate`, m.rate, 'perform', { quantize: 'off' });
    }
    perform.events.emit('modulators', liveModulators(perform));
  };
}
