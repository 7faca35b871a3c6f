/**
 * One mapping, pure: the level it reads from a universe (8 bits, or a coarse/fine pair for 16) and the parameter
 * value that level stands for, through the mapping's range, curve and invert (the MIDI mappings' own curve).
 */
import { toValue } from '../midi/curve';
import type { DmxMapping } from '../../src/shared/dmx';
import type { ParamSpec, ParamValue } from '../../src/params/spec';

/** The mapping's level in `levels`: 0-255, or 0-65535 for a pair. */
export function levelOf(m: Pick<DmxMapping, 'channel' | 'fine'>, levels: Uint8Array): number {
  const coarse = levels[m.channel - 1] ?? 0;
  return m.fine === null ? coarse : coarse * 256 + (levels[m.fine - 1] ?? 0);
}

/** The level as a position of the fader, 0..1. */
export const positionOf = (m: Pick<DmxMapping, 'fine'>, level: number): number =>
  level / (m.fine === null ? 255 : 65535);

/**
 * The value a level writes, or undefined when it writes nothing: a trigger fires when its channel crosses half
 * way upwards (`previous` is the level before), once per crossing.
 */
export function valueOf(
  m: DmxMapping,
  spec: ParamSpec,
  level: number,
  previous: number | undefined,
): ParamValue | undefined {
  const p = positionOf(m, level);
  const at = m.invert ? 1 - p : p;
  switch (spec.kind) {
    case 'bool':
      return at >= 0.5;
    case 'trigger': {
      const before = previous === undefined ? 0 : positionOf(m, previous);
      const was = (m.invert ? 1 - before : before) >= 0.5;
      return at >= 0.5 && !was ? true : undefined;
    }
    case 'enum':
      return Math.min(spec.options.length - 1, Math.floor(at * spec.options.length));
    case 'number':
      return toValue(m, spec, p);
    case 'int':
      return Math.round(toValue(m, spec, p));
    default:
      return undefined;
  }
}
