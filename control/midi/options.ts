/** Options of the MIDI service and the part of the app it sees. */
import { join } from 'node:path';
import { easymidiBackend } from './easymidi-backend';
import { MAPPINGS_FILE } from './mappings-file';
import { configDir, writeFileAtomic } from '../../src/files';
import { realTimers } from '../../src/kernel/timers';
import type { Timers } from '../../src/kernel/timers';
import type { WriteFile } from '../../src/settings-writer';
import type { MidiBackend } from './backend';
import type { PortChoice } from './ports';
import type { ClockSource } from './clock-out';
import type { FollowedClock } from './clock-follower';
import type { CommandRegistry } from '../../src/kernel/commands';
import type { ScopeServices } from '../../src/kernel/services';

export interface MidiOptions {
  /** The MIDI library; easymidi by default. Tests pass a FakeMidiBackend. */
  backend: MidiBackend;
  /** Inputs to open: names or indexes; all by default. */
  inputs: PortChoice | 'all';
  /** Outputs for feedback: names or indexes; by default those named like an open input. */
  outputs: PortChoice | 'matching';
  /** Where the mappings live; `<configDir>/midi-mappings.json` by default. */
  mappingsFile: string;
  /** Writes the mappings file (writeFileAtomic); tests put a full disk here. */
  write: WriteFile;
  /** How often to look for controllers plugged in or out; 0 = only at start. */
  rescanMs: number;
  /** The wall time rescans, learn timeouts, feedback batches and the log limit run on; ManualTimers in tests. */
  timers: Timers;
  learnTimeoutMs: number;
  /** How long learn waits after a CC 0-31 for its LSB (CC + 32) before binding a 7-bit CC. */
  pairWaitMs: number;
  /** Feedback batches go out at most once per this interval. */
  feedbackIntervalMs: number;
  /** Recalls a preset on a program change no mapping claims (presets live elsewhere). */
  recallPreset: ((program: number, device: string) => void) | undefined;
  logIntervalMs: number;
  /** The tempo clock that MIDI clock in moves and MIDI clock out follows; none: clock messages are ignored. */
  tempo: (FollowedClock & ClockSource) | undefined;
  /** Outputs that receive MIDI clock (names or parts of names); none by default. */
  clockOut: PortChoice;
  /** Time in ms on the tempo clock's timeline (the engine clock), for clock ticks as they arrive. */
  now: () => number;
}

export const midiDefaults = (): MidiOptions => ({
  backend: easymidiBackend(),
  inputs: 'all',
  outputs: 'matching',
  mappingsFile: join(configDir(), MAPPINGS_FILE),
  write: writeFileAtomic,
  rescanMs: 2000,
  timers: realTimers,
  learnTimeoutMs: 30_000,
  pairWaitMs: 150,
  feedbackIntervalMs: 20,
  recallPreset: undefined,
  logIntervalMs: 5000,
  tempo: undefined,
  clockOut: [],
  now: () => performance.now(),
});

/** The part of the app the service sees; with `commands`, `midi/learn` reaches it from OSC and WebSocket too. */
export type MidiDeps = Pick<ScopeServices, 'params' | 'log' | 'events'> & {
  commands?: Pick<CommandRegistry, 'add'>;
};
