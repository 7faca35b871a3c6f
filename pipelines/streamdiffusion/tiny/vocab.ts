/** Words the tiny vocabulary merges whole; anything else is spelled out in single characters. */
const WORDS = ['cat', 'dog', 'red', 'blue', 'green', 'sky', 'sea', 'fire', 'forest', 'city', 'the', 'of', 'in'];

/**
 * CLIP's byte-level alphabet: printable Latin-1 bytes stand for themselves, the rest are moved to U+0100 and up,
 * so that every byte has a visible character and whitespace never appears inside a token.
 */
export function byteAlphabet(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) if (printable(b)) out.push(String.fromCodePoint(b));
  for (let b = 0; b < 256; b++) if (!printable(b)) out.push(String.fromCodePoint(256 + extra++));
  return out;
}

/**
 * A CLIP-shaped vocabulary of ~560 tokens (the 256 byte characters, each again with `</w>`, a few merged words,
 * the start and end tokens last, as in CLIP) and its merge rules, for tests and the tiny model.
 */
export function tinyVocab(): { vocab: Record<string, number>; merges: string[] } {
  const tokens: string[] = [];
  const alphabet = byteAlphabet();
  tokens.push(...alphabet, ...alphabet.map((c) => `${c}</w>`));
  const merges: string[] = [];
  const add = (left: string, right: string) => {
    const rule = `${left} ${right}`;
    if (merges.includes(rule)) return;
    merges.push(rule);
    if (!tokens.includes(left + right)) tokens.push(left + right);
  };
  for (const word of WORDS) {
    const chars = Array.from(word);
    let prefix = chars[0]!;
    for (let i = 1; i < chars.length; i++) {
      // Inside a word the last character has no suffix; at its end it carries </w>.
      if (i === chars.length - 1) add(prefix, `${chars[i]}</w>`);
      add(prefix, chars[i]!);
      prefix += chars[i]!;
    }
  }
  tokens.push('<|startoftext|>', '<|endoftext|>');
  return { vocab: Object.fromEntries(tokens.map((t, i) => [t, i])), merges };
}
