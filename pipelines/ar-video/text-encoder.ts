/**
 * Prompt text -> text context for the block (umT5 in the real exports). Runs only when a prompt is new: the
 * contexts of recent prompts are kept (they are megabytes each, so a few), and blending and transitions happen on
 * the cached contexts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { Conditioning } from '../shared/blend';
import { assertContract, textEncoderSpec } from './contract';
import type { ArSession, Device } from './device';
import { floatValues } from './device';
import type { ExportConfig } from './export-config';
import { cleanPrompt } from './prompt-clean';
import { floatsToHalf } from '../../src/runtime/half';

const CACHE_SIZE = 8;

export { cleanPrompt };

export class ArTextEncoder {
  private readonly cache = new Map<string, Conditioning>();
  /** Encoder runs so far (a prompt already seen costs none). */
  runs = 0;

  private constructor(
    private readonly device: Device,
    private readonly session: ArSession,
    private readonly tokenizer: Tokenizer,
    private readonly config: ExportConfig,
    private readonly eos: number,
  ) {}

  static async open(device: Device, dir: string, c: ExportConfig): Promise<ArTextEncoder> {
    if (!c.textEncoder || !c.tokenizer) throw new Error('this export has no text encoder');
    const json = JSON.parse(await readFile(join(dir, c.tokenizer), 'utf8')) as Record<string, unknown>;
    const tokenizer = new Tokenizer(json, { eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>' });
    const eos = tokenizer.token_to_id('</s>');
    if (eos === undefined) throw new Error(`${c.tokenizer} has no </s> token`);
    const session = await device.open('text encoder', join(dir, c.textEncoder), ['context']);
    assertContract(c.textEncoder, session.signature, textEncoderSpec(c), c.dtype);
    return new ArTextEncoder(device, session, tokenizer, c, eos);
  }

  /** Token ids (the prompt's, cut to fit, then </s>, then pad 0) and the attention mask, text_len long. */
  tokenize(text: string): { ids: number[]; mask: number[] } {
    const length = this.config.text.length;
    const body = this.tokenizer.encode(cleanPrompt(text), { add_special_tokens: false }).ids.slice(0, length - 1);
    const ids = [...body, this.eos];
    const mask = ids.map(() => 1);
    while (ids.length < length) {
      ids.push(0);
      mask.push(0);
    }
    return { ids, mask };
  }

  /** The context of a prompt, [text_len × dim] on the host. */
  async encode(text: string): Promise<Conditioning> {
    const key = cleanPrompt(text);
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const { ids, mask } = this.tokenize(text);
    // Each input at the type the opened file declares (the mask is float where its Cast was folded at load).
    const feed = (name: string, v: number[]) => {
      const type = this.session.signature.inputs.find((i) => i.name === name)!.type;
      const dims = [1, v.length];
      if (type === 'int32') return { type, dims, data: Int32Array.from(v) };
      if (type === 'float32') return { type, dims, data: Float32Array.from(v) };
      if (type === 'float16') return { type, dims, data: floatsToHalf(v) };
      return { type: 'int64', dims, data: BigInt64Array.from(v.map((x) => BigInt(x))) };
    };
    const out = await this.device.run(this.session, {
      input_ids: feed('input_ids', ids),
      attention_mask: feed('attention_mask', mask),
    });
    this.runs++;
    const c: Conditioning = { hidden: Float32Array.from(floatValues(await this.device.read(out.context!))) };
    this.cache.set(key, c);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return c;
  }
}
