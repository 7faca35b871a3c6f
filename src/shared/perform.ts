/**
 * Shapes of the perform layer (tempo, quantise, modulators, cues, timeline, takes, recording), shared by the server
 * and the panel. Types are inferred from the schemas so both sides agree.
 */
import { z } from 'zod';
import { nameSchema } from './names';
import { paramValueSchema } from './api';
import { timecodeTextSchema } from './timecode';

/** When a change lands: now (`off`), on the next beat, the next bar, or the next multiple of N bars (`4bars`). */
export const quantizeSchema = z
  .string()
  .trim()
  .regex(/^(off|beat|bar|[1-9][0-9]?bars?)$/, 'quantize is off, beat, bar or Nbars (1-99), e.g. 4bars');

/** `?quantize=bar` on a route that changes values: when the change lands (left out, the surface's setting). */
export const quantizeQuerySchema = z.object({ quantize: quantizeSchema.optional() });
export type Quantize = z.infer<typeof quantizeSchema>;

export const tempoSourceSchema = z.enum(['internal', 'tap', 'midi', 'link', 'osc']);
export type TempoSource = z.infer<typeof tempoSourceSchema>;

/** GET /api/v1/tempo and every `tempo` event. */
export const tempoStateSchema = z.object({
  bpm: z.number(),
  /** Beats since the clock began (fractional). */
  beat: z.number(),
  /** Position inside the beat, 0..1. */
  phase: z.number(),
  /** Bar number (from 0) and beat inside the bar (from 0). */
  bar: z.number().int(),
  beatInBar: z.number().int(),
  beatsPerBar: z.number().int(),
  source: tempoSourceSchema,
  playing: z.boolean(),
  /** Default quantise per surface (`http`, `ws`, `osc`, `midi`, `preset`, `cue`). */
  quantize: z.record(z.string(), quantizeSchema),
  /** Changes waiting for their beat. */
  pending: z.number().int(),
  link: z.object({
    available: z.boolean(),
    enabled: z.boolean(),
    peers: z.number().int(),
    reason: z.string().optional(),
  }),
});
export type TempoState = z.infer<typeof tempoStateSchema>;

export const lfoShapeSchema = z.enum(['sine', 'triangle', 'saw', 'square', 'sample-hold', 'smooth-random']);
export type LfoShape = z.infer<typeof lfoShapeSchema>;

/** What drives a modulator: its own LFO, or a feature of the audio input. */
export const modSourceSchema = z.enum(['lfo', 'audio-level', 'audio-low', 'audio-mid', 'audio-high', 'audio-onset']);
export type ModSource = z.infer<typeof modSourceSchema>;

export const modulatorIdSchema = nameSchema('modulator', 32).regex(
  /^[a-z][a-z0-9-]{0,31}$/,
  'a modulator id is lower-case letters, digits and -, starting with a letter',
);

/** One modulator: a wave (or an audio feature) added to one or several numeric parameters. */
export const modulatorSchema = z.strictObject({
  id: modulatorIdSchema,
  source: modSourceSchema.default('lfo'),
  shape: lfoShapeSchema.default('sine'),
  /** Cycles per second (`hz`) or beats per cycle (`beats`, locked to the tempo). */
  rate: z.number().min(0).max(100).default(1),
  rateUnit: z.enum(['hz', 'beats']).default('hz'),
  /** Fraction of each target's range the wave swings (0..1), and where it sits (-1..1 of the range). */
  depth: z.number().min(0).max(1).default(0.25),
  offset: z.number().min(-1).max(1).default(0),
  /** Phase shift in cycles, 0..1. */
  phase: z.number().min(0).max(1).default(0),
  targets: z.array(z.string().min(1).max(200)).min(1).max(32),
  enabled: z.boolean().default(true),
});
export type Modulator = z.infer<typeof modulatorSchema>;
export type ModulatorInput = z.input<typeof modulatorSchema>;

export const curveSchema = z.enum(['linear', 'ease-in', 'ease-out', 'ease-in-out', 'step']);
export type FadeCurve = z.infer<typeof curveSchema>;

export const cueSchema = z.strictObject({
  name: nameSchema('cue', 64),
  /** Parameter values (prompts included) the cue goes to. */
  values: z.record(z.string(), paramValueSchema),
  /** Fade time in seconds (numbers and colours glide; text, choices and switches change at the start). */
  fade: z.number().min(0).max(600).default(0),
  curve: curveSchema.default('linear'),
  /** Lands on the next beat/bar when set; the `cue` surface's default otherwise. */
  quantize: quantizeSchema.optional(),
  /** Goes when the show's timecode passes this hh:mm:ss:ff (docs/timecode.md). */
  timecode: timecodeTextSchema.optional(),
});
export type Cue = z.infer<typeof cueSchema>;
export type CueInput = z.input<typeof cueSchema>;

export const cueListSchema = z.strictObject({ version: z.literal(1).default(1), cues: z.array(cueSchema).max(999) });
export type CueList = z.infer<typeof cueListSchema>;

/** GET /api/v1/cues and every `cues` event. */
export const cueStateSchema = z.object({
  cues: z.array(cueSchema),
  /** Index of the cue that went last (-1: none yet). */
  current: z.number().int(),
  /** A fade in progress, 0..1. */
  fading: z.number().nullable(),
});
export type CueState = z.infer<typeof cueStateSchema>;

export const timelineEntrySchema = z.strictObject({
  prompt: z.string().max(2000).optional(),
  /** Other values to reach during this entry (numbers glide over the transition). */
  values: z.record(z.string(), paramValueSchema).optional(),
  /** How long the entry lasts, in seconds (or beats when the timeline is locked to the tempo). */
  duration: z.number().positive().max(3600),
  transition: z.enum(['cut', 'linear', 'slerp']).default('linear'),
  /** Length of the transition into this entry, in the same unit as duration. */
  transitionTime: z.number().min(0).max(600).default(1),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const timelineSchema = z.strictObject({
  version: z.literal(1).default(1),
  entries: z.array(timelineEntrySchema).max(999),
  loop: z.boolean().default(false),
  /** Durations in beats, following the tempo. */
  tempoLocked: z.boolean().default(false),
  /** The text parameter that receives the prompts. */
  promptParam: z.string().min(1).max(200).default('prompt'),
});
export type Timeline = z.infer<typeof timelineSchema>;

export const timelineStateSchema = z.object({
  timeline: timelineSchema,
  playing: z.boolean(),
  /** Entry playing and the position inside it (seconds or beats). */
  index: z.number().int(),
  position: z.number(),
  /** The beat a quantised play lands on. */
  scheduled: z.number().optional(),
});
export type TimelineState = z.infer<typeof timelineStateSchema>;

/** A take: control changes from every surface, timestamped from the take's start. */
export const takeEventSchema = z.strictObject({
  /** Milliseconds from the start of the take. */
  t: z.number().min(0),
  /** Beats from the start of the take. */
  beat: z.number(),
  source: z.string().max(200),
  values: z.record(z.string(), paramValueSchema),
});
export type TakeEvent = z.infer<typeof takeEventSchema>;

export const takeNameSchema = nameSchema('take', 64).regex(
  /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/,
  'take names are letters, digits, space, _ . - (up to 64)',
);

export const takeSchema = z.strictObject({
  version: z.literal(1).default(1),
  name: takeNameSchema,
  recordedAt: z.string(),
  bpm: z.number(),
  pipeline: z.string().nullable(),
  /** Values when the take began, applied first on replay. */
  start: z.record(z.string(), paramValueSchema),
  events: z.array(takeEventSchema).max(200_000),
  durationMs: z.number().min(0),
});
export type Take = z.infer<typeof takeSchema>;

export const takesStateSchema = z.object({
  takes: z.array(
    z.object({ name: z.string(), events: z.number().int(), durationMs: z.number(), recordedAt: z.string() }),
  ),
  recording: z.object({ name: z.string(), since: z.number(), events: z.number().int() }).nullable(),
  playing: z.object({ name: z.string(), position: z.number() }).nullable(),
  /** The beat a quantised play lands on. */
  scheduled: z.number().optional(),
});
export type TakesState = z.infer<typeof takesStateSchema>;

/** GET /api/v1/recording and every `recording` event. */
export const recordingStateSchema = z.object({
  available: z.boolean(),
  reason: z.string().optional(),
  recording: z.boolean(),
  /** Why it is not recording although asked to (ffmpeg failed, the disk is full), and when it tries again. */
  error: z.string().optional(),
  file: z.string().nullable(),
  /** Frames written to the file and frames the recorder had to drop (the loop never waits for it). */
  frames: z.number().int(),
  dropped: z.number().int(),
  seconds: z.number(),
  dir: z.string(),
  files: z.array(z.object({ name: z.string(), bytes: z.number(), modified: z.string() })),
});
export type RecordingState = z.infer<typeof recordingStateSchema>;

/** Audio features, 0..1, as the analyser (or an audio tool over OSC) reports them. */
export const audioFeaturesSchema = z.object({
  level: z.number(),
  low: z.number(),
  mid: z.number(),
  high: z.number(),
  /** 1 on the frame of an onset, decaying to 0. */
  onset: z.number(),
});
export type AudioFeatures = z.infer<typeof audioFeaturesSchema>;

/** GET /api/v1/modulators. */
export const modulatorListSchema = z.object({ modulators: z.array(modulatorSchema) });

/** GET /api/v1/crossfade: the A and B presets and the fader. */
export const crossfadeStateSchema = z.object({
  a: z.string().nullable(),
  b: z.string().nullable(),
  /** A warm pipeline mixed in as side A, the active pipeline being B (the presets then apply within B). */
  pipeline: z.string().nullable(),
  x: z.union([z.number(), z.boolean(), z.string()]),
});
export type CrossfadeState = z.infer<typeof crossfadeStateSchema>;

/** POST /api/v1/cues/go: the cue, and the beat it lands on when quantised. */
export const cueGoSchema = z.object({ cue: z.string(), beat: z.number().optional() });
