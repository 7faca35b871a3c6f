/** The perform services as the panel reads them (tempo, cues, recording), parsed leniently from their events. */
import { z } from 'zod';
import { apiPaths, apiUrl } from '../../src/shared/api-paths';

export const tempoSchema = z.object({
  bpm: z.number(),
  beat: z.number(),
  beatsPerBar: z.number().int().min(1).default(4),
  source: z.string(),
  playing: z.boolean().default(true),
  quantize: z.record(z.string(), z.string()).default({}),
  pending: z.number().default(0),
  link: z
    .object({ available: z.boolean(), enabled: z.boolean(), peers: z.number(), reason: z.string().optional() })
    .optional(),
});
export type TempoInfo = z.infer<typeof tempoSchema> & {
  /** performance.now() in the panel when this arrived: the beat light runs on from there. */
  receivedAt: number;
};

export const cuesSchema = z.object({
  cues: z.array(z.object({ name: z.string(), fade: z.number().default(0), quantize: z.string().optional() })),
  current: z.number().int(),
  fading: z.number().nullable(),
});
export type CuesInfo = z.infer<typeof cuesSchema>;

export const recordingSchema = z.object({
  available: z.boolean(),
  reason: z.string().optional(),
  recording: z.boolean(),
  /** Why it stopped although asked to record (a full disk), and when it tries again. */
  error: z.string().optional(),
  file: z.string().nullable(),
  frames: z.number(),
  dropped: z.number(),
  seconds: z.number(),
});
export type RecordingInfo = z.infer<typeof recordingSchema>;

/** The perform services the panel fetches and follows (besides the shared service topics). */
export type PerformTopic = 'tempo' | 'cues' | 'recording';

/** Where each is read, and its shape. */
export const performServices = {
  tempo: { path: apiUrl(apiPaths.tempo), schema: tempoSchema },
  cues: { path: apiUrl(apiPaths.cues), schema: cuesSchema },
  recording: { path: apiUrl(apiPaths.recording), schema: recordingSchema },
} as const;

/** The beat the tempo is on at panel time `now` (ms, performance.now()). */
export function beatNow(t: TempoInfo, now: number): number {
  return t.playing ? t.beat + ((now - t.receivedAt) * t.bpm) / 60_000 : t.beat;
}
