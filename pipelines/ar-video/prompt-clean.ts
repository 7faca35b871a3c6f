/**
 * Wan's prompt cleaning (wan/modules/tokenizers.py, clean='whitespace', which LongLive, StreamDiffusionV2 and
 * Scope use): `ftfy.fix_text`, then `html.unescape` twice, then runs of whitespace become one space and the ends
 * are trimmed. Without ftfy and Python's entity table here, this does the parts of them a typed or pasted prompt
 * meets: ftfy's HTML unescape (only when the text has no '<'), terminal escapes removed, UTF-8 read as Windows-1252
 * (mojibake such as "cafÃ©") repaired, Latin ligatures and full-width characters made plain, curly quotes made
 * straight, control characters removed, NFC; then the named entities that occur in prose and every numeric one.
 */

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '\u2013',
  mdash: '\u2014',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
  hellip: '\u2026',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  deg: '\u00b0',
  times: '\u00d7',
  eacute: '\u00e9',
  egrave: '\u00e8',
  agrave: '\u00e0',
  ccedil: '\u00e7',
  uuml: '\u00fc',
  ouml: '\u00f6',
  auml: '\u00e4',
  szlig: '\u00df',
  ntilde: '\u00f1',
};

/** Python's html.unescape for these entities: named (amp, lt, gt, quot also without ';'), decimal, hex. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[a-zA-Z]+;|amp|lt|gt|quot)/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const hex = body[1] === 'x' || body[1] === 'X';
      const code = parseInt(body.slice(hex ? 2 : 1).replace(';', ''), hex ? 16 : 10);
      // Python replaces invalid code points with U+FFFD; 0 and surrogates likewise.
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    const name = body.replace(';', '');
    return NAMED[name] ?? whole;
  });
}

// Windows-1252's 0x80-0x9F, the bytes mojibake most often shows as these characters.
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

// A character that stands for a UTF-8 continuation byte (0x80-0xBF) once read as Windows-1252.
const CONT = `[\u00a0-\u00bf${CP1252.replace(/[\u0081\u008d\u008f\u0090\u009d]/g, '')}\u0081\u008d\u008f\u0090\u009d]`;
// A UTF-8 lead byte read as Windows-1252 followed by as many continuation bytes as it announces.
const SEQUENCE = new RegExp(`[\u00c2-\u00df]${CONT}|[\u00e0-\u00ef]${CONT}{2}|[\u00f0-\u00f4]${CONT}{3}`, 'g');

const byteOf = (ch: string) => {
  const high = CP1252.indexOf(ch);
  return high >= 0 ? 0x80 + high : ch.codePointAt(0)!;
};

/** Each run of UTF-8 decoded as Windows-1252 ("cafÃ©", "itâ€™s") decoded again; other text is left alone. */
export function fixMojibake(text: string): string {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  return text.replace(SEQUENCE, (run) => {
    try {
      return utf8.decode(Uint8Array.from(Array.from(run, byteOf)));
    } catch {
      return run;
    }
  });
}

const LIGATURES: Record<string, string> = {
  '\ufb00': 'ff',
  '\ufb01': 'fi',
  '\ufb02': 'fl',
  '\ufb03': 'ffi',
  '\ufb04': 'ffl',
  '\ufb05': 'st',
  '\ufb06': 'st',
  '\u0132': 'IJ',
  '\u0133': 'ij',
};

/** The parts of ftfy.fix_text (default settings) a prompt meets; see the file comment. */
export function fixText(text: string): string {
  let t = text.includes('<') ? text : unescapeHtml(text);
  // eslint-disable-next-line no-control-regex -- terminal escape sequences are what is removed
  t = t.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  t = fixMojibake(t);
  t = t.replace(/[\ufb00-\ufb06\u0132\u0133]/g, (c) => LIGATURES[c]!);
  // Full-width ASCII and the ideographic space to plain width, half-width katakana to full (ftfy uses NFKC here).
  t = t.replace(/[\u3000\uff01-\uffee]/g, (c) => c.normalize('NFKC'));
  t = t.replace(/[\u2018\u2019\u201a\u201b]/g, "'").replace(/[\u201c\u201d\u201e\u201f]/g, '"');
  // eslint-disable-next-line no-control-regex -- control characters are what is removed (tab and newline stay)
  t = t.replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f\u0080-\u009f]/g, '');
  return t.normalize('NFC');
}

/** The cleaned prompt the tokenizer sees. */
export function cleanPrompt(text: string): string {
  const unescaped = unescapeHtml(unescapeHtml(fixText(text)));
  return unescaped.replace(/\s+/g, ' ').trim();
}
