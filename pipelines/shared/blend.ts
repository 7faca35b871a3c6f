/** Text conditioning of one prompt: per-token hidden states [tokens × dim] and, for SDXL, the pooled embedding. */
export interface Conditioning {
  hidden: Float32Array;
  pooled?: Float32Array;
}

export type BlendMode = 'linear' | 'slerp';

/** Spherical interpolation of two vectors (their lengths interpolate too); nearly parallel ones fall back to lerp. */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  const cos = na > 0 && nb > 0 ? Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb))) : 1;
  const theta = Math.acos(cos);
  if (theta < 1e-4) return lerp(a, b, t);
  const s = Math.sin(theta);
  const wa = Math.sin((1 - t) * theta) / s;
  const wb = Math.sin(t * theta) / s;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}

export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + t * (b[i]! - a[i]!);
  return out;
}

function mapParts(items: Conditioning[], f: (parts: Float32Array[]) => Float32Array): Conditioning {
  const hidden = f(items.map((c) => c.hidden));
  const pooled = items.every((c) => c.pooled) ? f(items.map((c) => c.pooled!)) : undefined;
  return pooled ? { hidden, pooled } : { hidden };
}

/**
 * Weighted blend of up to four prompts: the weighted mean, or for exactly two prompts with weight the slerp at
 * w₂/(w₁+w₂), which keeps the blend's magnitude where a linear mean of two distant embeddings would shrink it.
 */
export function blendConditionings(items: Conditioning[], weights: number[], mode: BlendMode): Conditioning {
  const active = items.map((c, i) => ({ c, w: Math.max(0, weights[i] ?? 0) })).filter((x) => x.w > 0);
  if (active.length === 0) return items[0]!;
  if (active.length === 1) return active[0]!.c;
  const total = active.reduce((s, x) => s + x.w, 0);
  if (mode === 'slerp' && active.length === 2) {
    const t = active[1]!.w / total;
    return mapParts([active[0]!.c, active[1]!.c], ([a, b]) => slerp(a!, b!, t));
  }
  return mapParts(
    active.map((x) => x.c),
    (parts) => {
      const out = new Float32Array(parts[0]!.length);
      parts.forEach((p, j) => {
        const w = active[j]!.w / total;
        for (let i = 0; i < out.length; i++) out[i]! += w * p[i]!;
      });
      return out;
    },
  );
}

/** Interpolates two conditionings by t with the blend mode's interpolation. */
export function interpolate(a: Conditioning, b: Conditioning, t: number, mode: BlendMode): Conditioning {
  const f = mode === 'slerp' ? slerp : lerp;
  return mapParts([a, b], ([x, y]) => f(x!, y!, t));
}

/**
 * Timed prompt transitions: when the prompt texts change, the conditioning eases from what was shown to the new
 * blend over `seconds` (smoothstep). Weight changes apply at once; their smoothing is the parameter store's.
 */
export class PromptTransition {
  private key: string | undefined;
  private from: Conditioning | undefined;
  private start = 0;
  private last: Conditioning | undefined;

  /** The conditioning to use at `time` for the blend `target` of the prompts identified by `key`. */
  update(key: string, target: Conditioning, time: number, seconds: number, mode: BlendMode): Conditioning {
    if (this.key !== undefined && key !== this.key && this.last) {
      this.from = this.last;
      this.start = time;
    }
    this.key = key;
    let out = target;
    if (this.from) {
      const t = seconds > 0 ? (time - this.start) / seconds : 1;
      if (t >= 1) this.from = undefined;
      else out = interpolate(this.from, target, t * t * (3 - 2 * t), mode);
    }
    this.last = out;
    return out;
  }
}
