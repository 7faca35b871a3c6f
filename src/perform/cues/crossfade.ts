/**
 * A/B crossfade between two presets: at fader position x the values are A's and B's mixed by x (numbers and
 * colours glide; text, choices and switches take A's below the middle and B's from it). The fader is the global
 * parameter `xfade`, so a MIDI fader, OSC or the panel moves it like any parameter.
 */
import { mix } from './fade';
import type { FadeTarget } from './fade';
import type { ParamValue } from '../../params/spec';

export const XFADE_PARAM = 'xfade';

export class Crossfader {
  a: string | null = null;
  b: string | null = null;

  /** The mixed values at `x` for the parameters both presets hold. */
  values(
    x: number,
    a: Record<string, ParamValue>,
    b: Record<string, ParamValue>,
    target: FadeTarget,
  ): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    for (const [path, from] of Object.entries(a)) {
      const spec = target.spec(path);
      const to = b[path];
      if (!spec || to === undefined || spec.kind === 'trigger') continue;
      const glides = spec.kind === 'number' || spec.kind === 'int' || spec.kind === 'color';
      out[path] = glides ? mix(spec, from, to, x) : x < 0.5 ? from : to;
    }
    return out;
  }
}
