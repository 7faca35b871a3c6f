/**
 * The perform room: tempo and quantise (tempo/), modulators (modulation/), audio analysis (audio/), cues, the
 * timeline and the crossfader (cues/), control takes (takes/), and the frame stage that runs them (perform.ts)
 * behind one service with its routes and commands. Code outside src/perform imports the room through this file
 * only, so what the room keeps to itself can change without touching its users. The Link binding is not here: it
 * is an adapter in control/tempo that drives the TempoClock exported below.
 */
export { Perform } from './perform';
export type { PerformOptions } from './perform';
export { PerformService } from './perform-service';
export type { PerformServiceOptions } from './perform-service';
export { addPerformCommands } from './commands';
export { performRoutes } from './routes';
export { TempoClock, MIN_BPM, MAX_BPM } from './tempo/tempo-clock';
export { AudioAnalyser } from './audio/analyser';
export { ease } from './cues/fade';
export {
  RATES,
  dayFrames,
  formatTimecode,
  fromFrames,
  parseTimecode,
  timecodeOf,
  toFrames,
} from '../shared/timecode-math';
export type { Timecode } from '../shared/timecode-math';
export { TimecodeService, timecodeServiceDefaults } from './timecode/timecode-service';
export type { TimecodeServiceOptions } from './timecode/timecode-service';
export type { Heard } from './timecode/timecode-follower';
export { timecodeRoutes } from './timecode/routes';
export { addTimecodeCommands } from './timecode/commands';
