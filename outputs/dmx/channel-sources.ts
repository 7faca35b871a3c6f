/**
 * DMX out beside the pixels: a parameter, the beat or the cue number on a channel, so moving lights and a desk's
 * playbacks can follow the show. A parameter goes out linearly over its range (or `min`..`max`), 8 bits or a
 * coarse/fine pair; a linear DMX in mapping on the other side reads back the same value.
 */
import { z } from 'zod';
import { dmxChannelSchema } from '../../src/shared/dmx';
import type { ParamSpec, ParamValue } from '../../src/params/spec';

const where = { universe: z.number().int().min(0).max(63999), channel: dmxChannelSchema };

export const channelSourceSchema = z.discriminatedUnion('source', [
  z.strictObject({
    source: z.literal('param'),
    ...where,
    param: z.string().min(1).max(200),
    /** The fine byte of a 16-bit pair. */
    fine: dmxChannelSchema.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  /** The beat's phase: a ramp from 0 to 255 every beat (a chase or a strobe locked to the music). */
  z.strictObject({ source: z.literal('beat'), ...where }),
  /** The bar's beat: 1, 2, 3, 4 (as levels), 0 before the clock runs. */
  z.strictObject({ source: z.literal('bar-beat'), ...where }),
  /** The current cue's number (the first is 1), 0 when no cue has gone. */
  z.strictObject({ source: z.literal('cue'), ...where }),
]);
export type ChannelSource = z.infer<typeof channelSourceSchema>;

/** What the sources read: the parameters, the tempo clock's beat and the cue list's position. */
export interface ShowReadings {
  value(path: string): ParamValue | undefined;
  spec(path: string): ParamSpec | undefined;
  /** The beat now (fractional, from 0). */
  beat(): number;
  beatsPerBar(): number;
  /** The current cue's index, -1 for none. */
  cue(): number;
}

const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, Math.round(v)));

/** A parameter's value as a position 0..1 (undefined for what has no position: text, colour, unknown). */
function position(
  s: Extract<ChannelSource, { source: 'param' }>,
  spec: ParamSpec,
  value: ParamValue,
): number | undefined {
  switch (spec.kind) {
    case 'number':
    case 'int': {
      if (typeof value !== 'number') return undefined;
      const lo = s.min ?? spec.min;
      const hi = s.max ?? spec.max;
      return hi === lo ? 0 : Math.max(0, Math.min(1, (value - lo) / (hi - lo)));
    }
    case 'bool':
    case 'trigger':
      return value === true ? 1 : 0;
    case 'enum': {
      const index = typeof value === 'number' ? value : spec.options.indexOf(String(value));
      // The middle of the option's band, so DMX in reads back the same option.
      return index < 0 ? undefined : (index + 0.5) / spec.options.length;
    }
    default:
      return undefined;
  }
}

/** Writes every source's level into `universes` (512 levels each, made as needed). */
export function writeSources(
  sources: readonly ChannelSource[],
  show: ShowReadings,
  universes: Map<number, Uint8Array>,
): void {
  for (const s of sources) {
    let u = universes.get(s.universe);
    if (!u) universes.set(s.universe, (u = new Uint8Array(512)));
    if (s.source === 'beat') {
      const beat = show.beat();
      u[s.channel - 1] = clamp((beat - Math.floor(beat)) * 255, 255);
    } else if (s.source === 'bar-beat') {
      u[s.channel - 1] = clamp(Math.floor(show.beat()) % show.beatsPerBar(), 255) + 1;
    } else if (s.source === 'cue') {
      u[s.channel - 1] = clamp(show.cue() + 1, 255);
    } else {
      const spec = show.spec(s.param);
      const value = show.value(s.param);
      const p = spec && value !== undefined ? position(s, spec, value) : undefined;
      if (p === undefined) continue;
      if (s.fine === undefined) {
        u[s.channel - 1] = clamp(p * 255, 255);
      } else {
        const level = clamp(p * 65535, 65535);
        u[s.channel - 1] = level >> 8;
        u[s.fine - 1] = level & 0xff;
      }
    }
  }
}
