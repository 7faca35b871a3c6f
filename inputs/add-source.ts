/** What POST /api/v1/inputs takes: one shape per kind of source, validated before anything is started. */
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'up to 40 lowercase letters, digits and dashes')
  .optional();

export const addSourceSchema = z.discriminatedUnion('kind', [
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
    name: z.string().trim().min(1).max(256),
    /** Comma-separated addresses to look for senders at besides mDNS (other subnets, loopback). */
    extraIps: z.string().max(1000).optional(),
  }),
  z.strictObject({ kind: z.literal('syphon'), id, server: z.string().max(256).optional() }),
  z.strictObject({ kind: z.literal('spout'), id, sender: z.string().max(256).optional() }),
]);
export type AddSource = z.infer<typeof addSourceSchema>;

/** An id for a new source: the one asked for, else `<kind>-<slug of hint>`, numbered when taken. */
export function sourceId(kind: string, hint: string, taken: (id: string) => boolean): string {
  const slug = hint
    .toLowerCase()
    .replace(/\.[a-z0-9]{1,5}$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  const base = slug ? `${kind}-${slug}` : kind;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}
