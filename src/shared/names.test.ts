import { describe, expect, it } from 'vitest';
import { nameCharProblem, nameSchema } from './names';

const cue = nameSchema('cue', 16);

describe('the name rule', () => {
  it.each([
    ['Intro', 'Intro'],
    ['  Verse 2  ', 'Verse 2'],
    ['Ünïcødé ✓', 'Ünïcødé ✓'],
    ['שלום', 'שלום'], // right-to-left text itself is fine; only the invisible controls are not
    ['a'.repeat(16), 'a'.repeat(16)],
  ])('takes %j as %j', (given, kept) => {
    expect(cue.parse(given)).toBe(kept);
  });

  it.each([
    ['', /a cue needs a name/],
    ['   ', /a cue needs a name/],
    ['a'.repeat(17), /at most 16 characters/],
    ['bad\u0000name', /NUL character \(U\+0000\) at position 4/],
    ['tab\there', /control character \(U\+0009\)/],
    ['bell\u0007', /control character \(U\+0007\)/],
    ['del\u007f', /control character \(U\+007F\)/],
    ['c1\u0085', /control character \(U\+0085\)/],
    ['new\nline', /control character \(U\+000A\)/],
    ['cue\u202egnp.exe', /right-to-left override \(U\+202E\) at position 4/],
    ['\u202aemb', /left-to-right embedding \(U\+202A\)/],
    ['x\u202by', /right-to-left embedding \(U\+202B\)/],
    ['x\u202cy', /pop directional formatting \(U\+202C\)/],
    ['x\u202dy', /left-to-right override \(U\+202D\)/],
    ['x\u2066y', /left-to-right isolate \(U\+2066\)/],
    ['x\u2067y', /right-to-left isolate \(U\+2067\)/],
    ['x\u2068y', /first-strong isolate \(U\+2068\)/],
    ['x\u2069y', /pop directional isolate \(U\+2069\)/],
    ['x\u2028y', /line separator \(U\+2028\)/],
  ])('refuses %j with a sentence', (given, reason) => {
    const result = cue.safeParse(given);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('; ')).toMatch(reason);
  });

  it('names only the first offending character, and says nothing of a clean name', () => {
    expect(nameCharProblem('a\u202eb\u0000')).toMatch(/U\+202E at position 2|\(U\+202E\) at position 2/);
    expect(nameCharProblem('clean name')).toBeUndefined();
  });
});
