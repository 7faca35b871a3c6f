/**
 * The timecode rows of the flag table and the options they set (`--timecode`, `--ltc-in`, `--ltc-format`,
 * `--ltc-channel`, `--mtc-out`). Kept here so flags.ts and scope-options.ts grow by a line each.
 */
import { z } from 'zod';
import { timecodeSourceSchema } from './shared/timecode';
import { numberTextSchema } from './shared/numbers';
import type { FlagDef } from './flags';
import type { TimecodeSource } from './shared/timecode';

export interface TimecodeOptions {
  /** Where the show's timecode comes from: MIDI Time Code, LTC audio, the internal generator, or none. */
  timecode: TimecodeSource;
  /** The audio device that carries LTC (`--timecode ltc`); the platform's default device when left out. */
  ltcIn: string | undefined;
  /** ffmpeg's input format for `ltcIn` (pulse, alsa, avfoundation, dshow, or a file's such as wav). */
  ltcFormat: string | undefined;
  /** The channel of `ltcIn` that carries LTC (1 is the first); undefined: all channels mixed to mono. */
  ltcChannel: number | undefined;
  /** MIDI outputs that receive MTC of the show's timecode (names or parts of names, or indexes). */
  mtcOut: (string | number)[];
}

export const timecodeDefaults: TimecodeOptions = {
  timecode: 'off',
  ltcIn: undefined,
  ltcFormat: undefined,
  ltcChannel: undefined,
  mtcOut: [],
};

const flag = <T>(def: FlagDef<T>): FlagDef => def as FlagDef;

export const TIMECODE_FLAGS: FlagDef[] = [
  flag({
    name: 'timecode',
    arg: '<source>',
    help: 'follow timecode: mtc (MIDI Time Code), ltc (audio, --ltc-in), internal (a generator run over HTTP), off',
    shows: timecodeDefaults.timecode,
    schema: timecodeSourceSchema,
    apply: (v) => ({ timecode: v }),
  }),
  flag({
    name: 'ltc-in',
    arg: '<device>',
    help: 'the audio input that carries LTC, with --timecode ltc: default, hw:2, :1 (or a file with --ltc-format)',
    shows: 'the default device',
    schema: z.string().min(1),
    apply: (v) => ({ ltcIn: v }),
  }),
  flag({
    name: 'ltc-format',
    arg: '<fmt>',
    help: "ffmpeg input format of --ltc-in: pulse, alsa, avfoundation, dshow, wav (default: the platform's)",
    schema: z.string().min(1),
    apply: (v) => ({ ltcFormat: v }),
  }),
  flag({
    name: 'ltc-channel',
    arg: '<n>',
    help: 'the channel of --ltc-in that carries LTC (1 is the first), when it shares the input with music',
    shows: 'all channels mixed',
    schema: numberTextSchema.pipe(z.number().int().min(1).max(64)),
    apply: (v) => ({ ltcChannel: v }),
  }),
  flag({
    name: 'mtc-out',
    arg: '<port>',
    multiple: true,
    help: "send MTC of the show's timecode to this MIDI output (opened with --midi-out or named like an input)",
    shows: 'none',
    schema: z.array(z.string().min(1)),
    apply: (v) => ({ mtcOut: v.map((p) => (/^\d+$/.test(p) ? Number(p) : p)) }),
  }),
];
