/** Shapes of the inputs API (`/api/v1/inputs`, `/api/v1/input`, the `inputs` and `input` events), shared with the panel. */
import { z } from 'zod';
import { nameSchema } from './names';

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
export const inputListSchema = z.array(inputInfoSchema);

/** GET/PUT /api/v1/input and the `input` event: the engine's input (null: none) and how it fills the output. */
export const inputSelectionSchema = z.object({ source: z.string().nullable(), fit: z.enum(fitModes) });
export type InputSelection = z.infer<typeof inputSelectionSchema>;

/** The `id` in /api/v1/inputs/:id. */
export const inputParamsSchema = z.object({ id: z.string() });

/** PUT /api/v1/input: choose the engine's input (null: none), how it fills the output, or both. */
export const inputChoiceSchema = z.strictObject({
  source: z.string().min(1).max(64).nullable().optional(),
  fit: z.enum(fitModes).optional(),
});

/** PUT /api/v1/inputs/:id: new options (each source checks its own). */
export const inputChangeSchema = z.strictObject({ options: z.record(z.string(), z.unknown()) });

/** POST /api/v1/inputs: one shape per kind of source, checked before anything is started. */
const id = nameSchema('input', 40)
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'up to 40 lowercase letters, digits and dashes')
  .optional();

export const addInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('file'),
    id,
    /** Absolute path of a video file the server may read. */
    path: z.string().min(1).max(4096),
    loop: z.boolean().optional(),
    speed: z.number().min(0.1).max(4).optional(),
  }),
  z.strictObject({
    kind: z.literal('camera'),
    id,
    /** /dev/videoN on Linux; the name (or index) ffmpeg lists on macOS and Windows. */
    device: z.string().min(1).max(300),
    width: z.number().int().min(0).max(7680).optional(),
    height: z.number().int().min(0).max(4320).optional(),
    fps: z.number().min(0).max(240).optional(),
  }),
  z.strictObject({
    kind: z.literal('ndi'),
    id,
    /** The sender's name as NDI lists it (`MACHINE (name)`), or just the part in brackets. */
    name: nameSchema('NDI sender', 256),
    /** Comma-separated addresses to look for senders at besides mDNS (other subnets, loopback). */
    extraIps: z.string().max(1000).optional(),
  }),
  z.strictObject({ kind: z.literal('syphon'), id, server: z.string().max(256).optional() }),
  z.strictObject({ kind: z.literal('spout'), id, sender: z.string().max(256).optional() }),
]);
export type AddInput = z.infer<typeof addInputSchema>;

const availabilitySchema = z.object({
  available: z.boolean(),
  reason: z.string().optional(),
  /** Where ffmpeg was found. */
  path: z.string().optional(),
});

/** GET /api/v1/input/devices: what could be added now. */
export const inputDevicesSchema = z.object({
  ffmpeg: availabilitySchema,
  cameras: z.array(z.object({ device: z.string(), name: z.string() })),
  ndi: z.union([z.object({ names: z.array(z.string()) }), z.object({ reason: z.string() })]),
  syphon: availabilitySchema,
  spout: availabilitySchema,
});
export type InputDevices = z.infer<typeof inputDevicesSchema>;
