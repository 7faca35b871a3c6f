/** Presets: named snapshots of parameter values per pipeline, their HTTP routes, and recall for OSC and MIDI. */
export { PresetStore, presetNameSchema } from './store';
export type { Preset, PresetList, PresetStoreOptions, RecallResult, SaveResult } from './store';
export { presetRoutes } from './routes';
