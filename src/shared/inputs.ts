/** Shapes of the inputs API (`/api/v1/inputs`, `/api/v1/input`, the `inputs` and `input` events), shared with the panel. */
import { z } from 'zod';

export const inputKinds = ['whip', 'ndi', 'file', 'camera', 'syphon', 'spout', 'feedback'] as const;
export type InputKind = (typeof inputKinds)[number];

/**
 * `waiting`: started, no frame yet (the reason says for what); `live`: frames arrive; `lost`: they stopped, the
 * last frame is held and the reason says why; `error`: it could not start (it is tried again); `off` before start.
 */
export const inputStates = ['off', 'waiting', 'live', 'lost', 'error', 'unavailable'] as const;
export type InputState = (typeof inputStates)[number];

export const fitModes = ['cover', 'contain', 'stretch'] as const;

/** One row of GET /api/v1/inputs (and of the `inputs` event). */
export const inputInfoSchema = z.object({
  id: z.string(),
  kind: z.enum(inputKinds),
  name: z.string(),
  available: z.boolean(),
  state: z.enum(inputStates),
  reason: z.string().optional(),
  /** The engine renders from this one. */
  active: z.boolean(),
  /** Size of the newest frame as received (0 before the first). */
  width: z.number(),
  height: z.number(),
  /** Frames received per second, over the last second. */
  fps: z.number(),
  frames: z.number(),
  /** Added over the API or by a publisher, as opposed to built in. */
  removable: z.boolean(),
  options: z.record(z.string(), z.unknown()),
  detail: z.string().optional(),
});
export type InputInfo = z.infer<typeof inputInfoSchema>;

/** GET/PUT /api/v1/input and the `input` event: the engine's input (null: none) and how it fills the output. */
export const inputSelectionSchema = z.object({ source: z.string().nullable(), fit: z.enum(fitModes) });
export type InputSelection = z.infer<typeof inputSelectionSchema>;
