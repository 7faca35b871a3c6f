import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClipTokenizer, CONTEXT_LENGTH } from './clip-tokenizer';
import { tinyVocab } from './tiny/vocab';

describe('ClipTokenizer', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function fromTestFiles(padToken?: string) {
    const dir = await mkdtemp(join(tmpdir(), 'clip-'));
    dirs.push(dir);
    const { vocab, merges } = tinyVocab();
    await writeFile(join(dir, 'vocab.json'), JSON.stringify(vocab));
    await writeFile(join(dir, 'merges.txt'), ['#version: 0.2', ...merges, ''].join('\n'));
    return {
      tok: await ClipTokenizer.fromFiles(join(dir, 'vocab.json'), join(dir, 'merges.txt'), { padToken }),
      vocab,
    };
  }

  it('merges byte pairs into words with the </w> end-of-word suffix, lower case, CLIP word split', async () => {
    const { tok } = await fromTestFiles();
    expect(tok.tokenize('A  Cat')).toEqual(['a</w>', 'cat</w>']);
    // "cats" has no merge for "cats</w>": it stops at "cat" + "s</w>".
    expect(tok.tokenize('cats!')).toEqual(['cat', 's</w>', '!</w>']);
    // Digits are split one by one; unknown letters fall back to their byte-level single characters.
    expect(tok.tokenize('x12')).toEqual(['x</w>', '1</w>', '2</w>']);
  });

  it('encodes to 77 ids: start, tokens, end, padding', async () => {
    const { tok, vocab } = await fromTestFiles();
    const ids = tok.encode('a cat');
    expect(ids.length).toBe(CONTEXT_LENGTH);
    expect([...ids.slice(0, 5)]).toEqual([
      vocab['<|startoftext|>'],
      vocab['a</w>'],
      vocab['cat</w>'],
      vocab['<|endoftext|>'],
      vocab['<|endoftext|>'],
    ]);
    expect(tok.decode(ids)).toBe('a cat');
  });

  it('pads with the configured token and cuts long prompts so the end token stays', async () => {
    const { tok, vocab } = await fromTestFiles('!');
    expect(tok.encode('cat')[3]).toBe(vocab['!']);
    const long = tok.encode(Array.from({ length: 100 }, () => 'cat').join(' '));
    expect(long[0]).toBe(vocab['<|startoftext|>']);
    expect(long[76]).toBe(vocab['<|endoftext|>']);
    expect(long[75]).toBe(vocab['cat</w>']);
  });
});
