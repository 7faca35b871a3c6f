/**
 * Shapes of timecode (MTC, LTC, the internal generator and chase), shared by the server and the panel: the text
 * form of a timecode, the rates, GET /api/v1/timecode and the body of its PUT.
 */
import { z } from 'zod';

/** The SMPTE rates this project reads and writes; 29.97 is always drop-frame. */
export const timecodeRates = ['24', '25', '29.97df', '30'] as const;
export const timecodeRateSchema = z.enum(timecodeRates);
export type TimecodeRate = z.infer<typeof timecodeRateSchema>;

/** Where the show's timecode comes from: MIDI Time Code, LTC audio, the server's own generator, or nowhere. */
export const timecodeSourceSchema = z.enum(['mtc', 'ltc', 'internal', 'off']);
export type TimecodeSource = z.infer<typeof timecodeSourceSchema>;

const TIMECODE_TEXT = /^(\d{2}):(\d{2}):(\d{2})[:;.](\d{2})$/;

/** `hh:mm:ss:ff` (`;` before the frames for drop-frame is accepted too); hours 0-23, frames 0-29. */
export const timecodeTextSchema = z
  .string()
  .trim()
  .superRefine((text, ctx) => {
    const problem = timecodeTextProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Why `text` is not a timecode, as a sentence; undefined when it is one. */
export function timecodeTextProblem(text: string): string | undefined {
  const m = TIMECODE_TEXT.exec(text);
  if (!m) return `"${text.slice(0, 40)}" is not a timecode: expected hh:mm:ss:ff, e.g. 01:02:03:04`;
  const [h, min, s, f] = m.slice(1).map(Number) as [number, number, number, number];
  if (h > 23) return `timecode ${text}: hours go from 00 to 23`;
  if (min > 59) return `timecode ${text}: minutes go from 00 to 59`;
  if (s > 59) return `timecode ${text}: seconds go from 00 to 59`;
  if (f > 29) return `timecode ${text}: frames go from 00 to 29 (at most 23 at 24 fps, 24 at 25 fps)`;
  return undefined;
}

/** What follows timecode: cues with a `timecode` fire as it passes them; the timeline's position follows it. */
export const chaseSettingsSchema = z.strictObject({
  cues: z.boolean().default(true),
  timeline: z.boolean().default(false),
  /** The timecode at which the timeline's position is 0. */
  timelineStart: timecodeTextSchema.default('00:00:00:00'),
});
export type ChaseSettings = z.infer<typeof chaseSettingsSchema>;

/** The file `timecode.json` in the config dir. */
export const timecodeFileSchema = z.strictObject({
  version: z.literal(1).default(1),
  chase: chaseSettingsSchema.default({ cues: true, timeline: false, timelineStart: '00:00:00:00' }),
  /** The rate of the internal generator and of MTC out while nothing comes in. */
  rate: timecodeRateSchema.default('25'),
});
export type TimecodeFile = z.infer<typeof timecodeFileSchema>;

/** PUT /api/v1/timecode: chase settings, the rate, and the internal generator's transport. */
export const timecodePutSchema = z.strictObject({
  chase: chaseSettingsSchema.partial().optional(),
  rate: timecodeRateSchema.optional(),
  /** Internal source only: start or stop the generator. */
  running: z.boolean().optional(),
  /** Internal source only: move the generator to this timecode (MTC out sends a full frame). */
  locate: timecodeTextSchema.optional(),
});
export type TimecodePut = z.infer<typeof timecodePutSchema>;

/** GET /api/v1/timecode and every `timecode` event. */
export const timecodeStatusSchema = z.object({
  source: timecodeSourceSchema,
  /** The rate heard (or set, for the internal generator); null before anything was heard. */
  rate: timecodeRateSchema.nullable(),
  /** hh:mm:ss:ff (`;` before the frames at drop-frame); null before anything was heard. */
  position: z.string().nullable(),
  state: z.enum(['running', 'stopped']),
  /** The tape runs backwards (LTC played in reverse, or MTC quarter frames arriving in descending order). */
  reverse: z.boolean(),
  /** Jumps seen (a locate, a skip). */
  jumps: z.number().int(),
  /** Positions heard since start: a whole MTC sequence (every two frames), a full frame, an LTC frame. */
  heard: z.number().int(),
  /** Why nothing can come in (no MIDI, no audio device); absent when the source works. */
  reason: z.string().optional(),
  chase: chaseSettingsSchema,
  /** The cue that timecode went to last. */
  lastCue: z.string().nullable(),
  /** MIDI outputs sent MTC (`--mtc-out`). */
  mtcOut: z.array(z.string()),
});
export type TimecodeStatus = z.infer<typeof timecodeStatusSchema>;
