/**
 * A tiny tokenizer.json of the umT5 kind (SentencePiece Unigram behind a Metaspace pre-tokenizer, `</s>` after
 * the text, pad 0, eos 1, unk 2), so that the tiny export is read by the same code as the real one.
 */
const WORDS = ['a', 'the', 'of', 'in', 'cat', 'dog', 'red', 'blue', 'green', 'sky', 'sea', 'fire', 'forest', 'city'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');
const SPACE = '\u2581';

/** The vocabulary: pieces with their log-probabilities, ids in order. */
export function tinyPieces(): [string, number][] {
  return [
    ['<pad>', 0],
    ['</s>', 0],
    ['<unk>', 0],
    [SPACE, -3],
    ...WORDS.map((w): [string, number] => [SPACE + w, -2]),
    ...LETTERS.map((c): [string, number] => [c, -5]),
  ];
}

export function tinyTokenizerJson(): string {
  const pieces = tinyPieces();
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const metaspace = { type: 'Metaspace', replacement: SPACE, prepend_scheme: 'always', split: true };
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<pad>'), special(1, '</s>'), special(2, '<unk>')],
    normalizer: { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: 2, vocab: pieces, byte_fallback: false },
  });
}
