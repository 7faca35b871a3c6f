import type { ClipTokenizer } from './clip-tokenizer';
import { CONTEXT_LENGTH } from './clip-tokenizer';
import type { Conditioning } from '../shared/blend';
import type { TypedSession } from './session-io';
import { penultimateReader } from './hidden-states';
import type { FeatureReader } from './hidden-states';
import type { Timings } from '../shared/timings';

/** A text encoder with its tokenizer. */
export interface TextTower {
  tokenizer: ClipTokenizer;
  session: TypedSession;
  /** Where it came from, for error sentences (text_encoder_2/model.onnx). */
  name: string;
}

const CACHE_SIZE = 64;

/**
 * Prompt text -> conditioning, cached: a show cycles through a handful of prompts, and the text encoder is the
 * second most expensive network after the UNet. SD: last_hidden_state of the one encoder. SDXL: the penultimate
 * hidden states of both encoders side by side, plus the second encoder's pooled text_embeds.
 */
export class PromptEncoder {
  private readonly cache = new Map<string, Conditioning>();
  private readonly readers: FeatureReader[];

  /** Throws, naming what the export must have, when an SDXL encoder does not expose its penultimate layer. */
  constructor(
    private readonly towers: TextTower[],
    private readonly timings?: Timings,
    /** What else the encoding depends on (the text encoder's LoRA strengths), keyed into the cache. */
    private readonly salt: () => string = () => '',
  ) {
    const xl = towers.length > 1;
    this.readers = towers.map((t) =>
      xl ? penultimateReader(t.name, t.session.signature.outputs) : (out) => lastHidden(out, t.name),
    );
  }

  async encode(text: string): Promise<Conditioning> {
    const key = `${this.salt()}\0${text}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Re-inserting keeps the map in least-recently-used order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const parts: { hidden: Float32Array; width: number }[] = [];
    let pooled: Float32Array | undefined;
    const xl = this.towers.length > 1;
    for (const [i, tower] of this.towers.entries()) {
      const ids = this.time('tokenize', () => tower.tokenizer.encode(text));
      const started = performance.now();
      const out = await tower.session.run({ input_ids: { data: ids, dims: [1, CONTEXT_LENGTH] } });
      this.timings?.add('text encoder', performance.now() - started);
      const hidden = this.readers[i]!(out);
      parts.push({ hidden, width: hidden.length / CONTEXT_LENGTH });
      if (xl && i === this.towers.length - 1) pooled = out.text_embeds ?? out.pooler_output;
    }
    const c: Conditioning = { hidden: concatTokens(parts) };
    if (pooled) c.pooled = pooled;
    this.cache.set(key, c);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return c;
  }

  /** Conditioning of the same shape with every value 0 (SDXL's negative for an empty negative prompt). */
  zerosLike(c: Conditioning): Conditioning {
    const z: Conditioning = { hidden: new Float32Array(c.hidden.length) };
    if (c.pooled) z.pooled = new Float32Array(c.pooled.length);
    return z;
  }

  private time<T>(stage: string, f: () => T): T {
    const started = performance.now();
    const v = f();
    this.timings?.add(stage, performance.now() - started);
    return v;
  }
}

/** SD 2.1 / SD-Turbo condition on the final layer (its export already ends at the layer SD 2 reads). */
function lastHidden(out: Record<string, Float32Array>, name: string): Float32Array {
  const hidden = out.last_hidden_state;
  if (!hidden) throw new Error(`${name} has no last_hidden_state output`);
  return hidden;
}

/** Per-token concatenation of [77 × a] and [77 × b] into [77 × (a + b)]. */
function concatTokens(parts: { hidden: Float32Array; width: number }[]): Float32Array {
  if (parts.length === 1) return parts[0]!.hidden;
  const width = parts.reduce((s, p) => s + p.width, 0);
  const out = new Float32Array(CONTEXT_LENGTH * width);
  for (let t = 0; t < CONTEXT_LENGTH; t++) {
    let offset = t * width;
    for (const p of parts) {
      out.set(p.hidden.subarray(t * p.width, (t + 1) * p.width), offset);
      offset += p.width;
    }
  }
  return out;
}
