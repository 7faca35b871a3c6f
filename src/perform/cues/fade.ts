/**
 * A fade from the values a cue finds to the values it holds: numbers and colours glide along a curve, text,
 * choices and switches land at the start (a prompt fades inside the pipeline, by its own transition).
 */
import type { ParamSpec, ParamValue } from '../../params/spec';
import type { FadeCurve } from '../../shared/perform';

/** Progress 0..1 through a curve. */
export function ease(curve: FadeCurve, x: number): number {
  const t = Math.min(1, Math.max(0, x));
  switch (curve) {
    case 'linear':
      return t;
    case 'ease-in':
      return t * t;
    case 'ease-out':
      return 1 - (1 - t) * (1 - t);
    case 'ease-in-out':
      return t < 0.5 ? 2 * t * t : 1 - 2 * (1 - t) * (1 - t);
    case 'step':
      return t < 1 ? 0 : 1;
  }
}

/** `from` and `to` mixed by `k` (0..1) for `spec`; values that cannot glide take `to`. */
export function mix(spec: ParamSpec, from: ParamValue, to: ParamValue, k: number): ParamValue {
  if ((spec.kind === 'number' || spec.kind === 'int') && typeof from === 'number' && typeof to === 'number') {
    const v = from + (to - from) * k;
    return spec.kind === 'int' ? Math.round(v) : v;
  }
  if (spec.kind === 'color' && typeof from === 'string' && typeof to === 'string') return mixColor(from, to, k);
  return to;
}

function mixColor(from: string, to: string, k: number): string {
  const a = rgb(from);
  const b = rgb(to);
  if (!a || !b) return to;
  return `#${a
    .map((c, i) =>
      Math.round(c + (b[i]! - c) * k)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

const rgb = (hex: string) => {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  return m ? [0, 2, 4].map((i) => Number.parseInt(m[1]!.slice(i, i + 2), 16)) : undefined;
};

export interface FadeTarget {
  spec(path: string): ParamSpec | undefined;
  get(path: string): ParamValue | undefined;
}

/** A fade under way: created when a cue goes, stepped at each frame boundary until done. */
export class Fade {
  private readonly from = new Map<string, ParamValue>();
  private readonly to = new Map<string, ParamValue>();
  private started = false;

  constructor(
    target: FadeTarget,
    values: Record<string, ParamValue>,
    private readonly startMs: number,
    private readonly durationMs: number,
    private readonly curve: FadeCurve,
  ) {
    for (const [path, value] of Object.entries(values)) {
      const current = target.get(path);
      if (current === undefined || !target.spec(path)) continue;
      this.from.set(path, current);
      this.to.set(path, value);
    }
  }

  /** Progress 0..1 at `t`. */
  progress(t: number): number {
    // Frame times are sums of float intervals: a millionth of a ms short of the end is the end.
    if (t - this.startMs >= this.durationMs - 1e-6) return 1;
    return Math.max(0, (t - this.startMs) / this.durationMs);
  }

  done(t: number): boolean {
    return this.progress(t) >= 1;
  }

  /** The values at `t`: on the first step everything that cannot glide, then the gliding ones. */
  values(t: number, target: FadeTarget): Record<string, ParamValue> {
    const k = ease(this.curve, this.progress(t));
    const out: Record<string, ParamValue> = {};
    for (const [path, to] of this.to) {
      const spec = target.spec(path);
      if (!spec) continue;
      const glides = spec.kind === 'number' || spec.kind === 'int' || spec.kind === 'color';
      if (!glides && this.started) continue;
      out[path] = glides ? mix(spec, this.from.get(path)!, to, k) : to;
    }
    this.started = true;
    return out;
  }
}
