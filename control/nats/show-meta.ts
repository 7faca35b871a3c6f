/**
 * A show's meta entry (its epoch and frame rate), read as input: the first node creates it, the others read it,
 * and what is stored is checked, salvaged and repaired rather than trusted.
 */
import { z } from 'zod';
import type { KV } from '@nats-io/kv';

/** The frame rates a show may run at: one stored outside them (fps 1, 1e6) is refused as poison. */
export const SHOW_FPS = { min: 10, max: 240 } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
export const metaSchema = z.object({
  epoch: z.number().finite(),
  fps: z.number().min(SHOW_FPS.min).max(SHOW_FPS.max),
});
export type ShowMeta = z.infer<typeof metaSchema>;

/**
 * The show's meta entry: created by the first node, read by the others. What is stored is input like any other:
 * an entry that does not parse keeps what can be saved (a plausible epoch, a frame rate in range), takes this
 * node's for the rest, and is written back repaired, so the node starts and the next one agrees with it.
 */
export async function showMeta(kv: KV, fresh: ShowMeta, log: (m: string) => void): Promise<ShowMeta> {
  for (let attempt = 0; ; attempt++) {
    const created = await kv.create('meta', JSON.stringify(fresh)).then(
      () => true,
      () => false,
    );
    if (created) return fresh;
    const entry = await kv.get('meta');
    // Deleted meanwhile: create it again (twice at most; a third race is someone deleting it on purpose).
    if (!entry || entry.operation !== 'PUT') {
      if (attempt < 2) continue;
      return fresh;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(entry.string());
    } catch {
      raw = undefined;
    }
    const parsed = metaSchema.safeParse(raw);
    const repaired = salvage(raw, fresh);
    if (parsed.success && repaired.epoch === parsed.data.epoch) return parsed.data;
    log(
      `its stored meta is invalid (${parsed.success ? 'its show began over ten years from now' : (parsed.error.issues[0]?.message ?? 'not JSON')}); repaired to ${repaired.fps} fps` +
        `${repaired.epoch === fresh.epoch ? ', the show time starting now' : ''}.`,
    );
    await kv.update('meta', JSON.stringify(repaired), entry.revision).catch(() => undefined);
    return repaired;
  }
}

/** What of a stored meta can be kept: an epoch within ten years of now, a frame rate in range. */
function salvage(raw: unknown, fresh: ShowMeta): ShowMeta {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const epoch = typeof r.epoch === 'number' && Math.abs(r.epoch - fresh.epoch) < TEN_YEARS_MS ? r.epoch : fresh.epoch;
  const fps = metaSchema.shape.fps.safeParse(r.fps).success ? (r.fps as number) : fresh.fps;
  return { epoch, fps };
}
