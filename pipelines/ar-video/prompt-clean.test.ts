import { describe, expect, it } from 'vitest';
import { cleanPrompt, fixMojibake, unescapeHtml } from './prompt-clean';

describe('Wan prompt cleaning', () => {
  // Expected values of the entity cases are Python's html.unescape(html.unescape(s)), run once by hand.
  it.each([
    ['Tom &amp; Jerry', 'Tom & Jerry'],
    ['&lt;b&gt; bold', '<b> bold'],
    ['caf&eacute; &#233; &#xE9;', 'café é é'],
    ['&amp;amp; twice', '& twice'],
    ['&quot;hi&quot; &apos;x&apos;', `"hi" 'x'`],
    ['a &unknown; b', 'a &unknown; b'],
    ['&#0; &#x110000;', '\ufffd \ufffd'],
    ['fish &amp chips', 'fish & chips'],
    ['AT&T', 'AT&T'],
  ])('unescapes HTML twice as upstream does: %s', (input, expected) => {
    expect(unescapeHtml(unescapeHtml(input))).toBe(expected);
  });

  it.each([
    ['cafÃ©', 'café'],
    ['itâ€™s', 'it\u2019s'],
    ['plain café', 'plain café'],
    ['Ã alone', 'Ã alone'],
  ])('repairs UTF-8 read as Windows-1252 only where it reads back: %s', (input, expected) => {
    expect(fixMojibake(input)).toBe(expected);
  });

  it.each([
    ['  a  paper\tboat\n\nat night  ', 'a paper boat at night'],
    ['itâ€™s a “quoted” ‘word’', `it's a "quoted" 'word'`],
    ['ﬁre ﬂies', 'fire flies'],
    ['ＷＩＤＥ　text！', 'WIDE text!'],
    ['red\u001b[31m text\u0007', 'red text'],
    ['e\u0301toile', '\u00e9toile'],
    ['a &lt;b&gt; tag &amp;amp; more', 'a <b> tag & more'],
    ['x < y &amp;amp; z', 'x < y & z'],
  ])('cleans a prompt as Wan’s tokenizer wrapper does: %s', (input, expected) => {
    expect(cleanPrompt(input)).toBe(expected);
  });
});
