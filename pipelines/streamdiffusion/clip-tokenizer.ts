import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';

/** CLIP's context length: every prompt becomes exactly 77 ids. */
export const CONTEXT_LENGTH = 77;
const BOS = '<|startoftext|>';
const EOS = '<|endoftext|>';
// CLIP's word pattern: the special tokens, English contractions, letter runs, single digits, other symbol runs.
const WORDS = `${escape(BOS)}|${escape(EOS)}|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+`;

export interface ClipTokenizerOptions {
  /**
   * Token that fills the ids after the end token. SD 1.x pads with <|endoftext|>; SD 2.x and SDXL's second
   * encoder (OpenCLIP) pad with "!" (id 0). The encoder attends causally, so padding only matters for pooling.
   */
  padToken?: string;
}

/**
 * CLIP's byte-level BPE over the diffusers `tokenizer/vocab.json` + `merges.txt`. @huggingface/tokenizers reads
 * `tokenizer.json` only, and the Stable Diffusion exports ship the two older files, so this assembles the
 * tokenizer.json CLIP's fast tokenizer would have (NFC, whitespace collapsed, lower case, CLIP's word split,
 * byte-level alphabet, BPE with the `</w>` end-of-word suffix, start/end tokens around the ids).
 */
export class ClipTokenizer {
  private readonly tokenizer: Tokenizer;
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;

  constructor(vocab: Record<string, number>, merges: string[], options: ClipTokenizerOptions = {}) {
    const id = (t: string) => {
      const v = vocab[t];
      if (v === undefined) throw new Error(`CLIP vocabulary has no ${t}`);
      return v;
    };
    this.bos = id(BOS);
    this.eos = id(EOS);
    this.pad = id(options.padToken ?? EOS);
    const special = (content: string, tokenId: number) => ({
      id: tokenId,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: true,
      special: true,
    });
    const json = {
      version: '1.0',
      added_tokens: [special(BOS, this.bos), special(EOS, this.eos)],
      normalizer: {
        type: 'Sequence',
        normalizers: [
          { type: 'NFC' },
          { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
          { type: 'Lowercase' },
        ],
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: WORDS }, behavior: 'Removed', invert: true },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
      post_processor: {
        type: 'RobertaProcessing',
        sep: [EOS, this.eos],
        cls: [BOS, this.bos],
        trim_offsets: false,
        add_prefix_space: false,
      },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: EOS,
        continuing_subword_prefix: '',
        end_of_word_suffix: '</w>',
        fuse_unk: false,
        byte_fallback: false,
        vocab,
        merges: merges.map((m) => m.split(' ', 2) as [string, string]),
      },
    };
    this.tokenizer = new Tokenizer(json, { bos_token: BOS, eos_token: EOS, unk_token: EOS, model_max_length: 77 });
  }

  /** Reads vocab.json and merges.txt (its `#version` header line skipped). */
  static async fromFiles(vocabPath: string, mergesPath: string, options?: ClipTokenizerOptions) {
    const vocab = JSON.parse(await readFile(vocabPath, 'utf8')) as Record<string, number>;
    const merges = parseMerges(await readFile(mergesPath, 'utf8'));
    return new ClipTokenizer(vocab, merges, options);
  }

  /** BPE tokens of a text, without the start and end tokens. */
  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(text);
  }

  /** Exactly 77 ids: start, the prompt's tokens (cut to fit), end, then padding. */
  encode(text: string): Int32Array {
    const ids = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const out = new Int32Array(CONTEXT_LENGTH).fill(this.pad);
    out[0] = this.bos;
    const body = ids.slice(0, CONTEXT_LENGTH - 2);
    out.set(body, 1);
    out[body.length + 1] = this.eos;
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return this.tokenizer.decode(Array.from(ids), { skip_special_tokens: true });
  }
}

/** Merge rules of a merges.txt: one "left right" pair a line, comments and blank lines left out. */
export function parseMerges(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#version'));
}

function escape(s: string): string {
  return s.replace(/[|]/g, '\\|');
}
