/**
 * The one rule for names people give things (presets, cues, takes, modulators, MIDI mappings, inputs, shows):
 * trimmed, not empty, at most so long, and free of characters that hide or rewrite what a name shows. Control
 * characters (NUL included) break files, URLs, OSC strings and logs; the bidi embeddings, overrides and isolates
 * (U+202A-202E, U+2066-2069) make a name read differently from what it is ("cue\u202Egnp.exe" shows as
 * "cueexe.png"), in the panel, in a log and in a file name alike.
 */
import { z } from 'zod';

/** C0 controls and DEL, C1 controls, line/paragraph separators, bidi embeddings, overrides and isolates. */
const forbidden = (code: number) =>
  code <= 0x1f ||
  (code >= 0x7f && code <= 0x9f) ||
  code === 0x2028 ||
  code === 0x2029 ||
  (code >= 0x202a && code <= 0x202e) ||
  (code >= 0x2066 && code <= 0x2069);

const WHAT: Record<number, string> = {
  0x00: 'a NUL character',
  0x202a: 'a left-to-right embedding',
  0x202b: 'a right-to-left embedding',
  0x202c: 'a pop directional formatting',
  0x202d: 'a left-to-right override',
  0x202e: 'a right-to-left override',
  0x2066: 'a left-to-right isolate',
  0x2067: 'a right-to-left isolate',
  0x2068: 'a first-strong isolate',
  0x2069: 'a pop directional isolate',
  0x2028: 'a line separator',
  0x2029: 'a paragraph separator',
};

/** Why `name` (already trimmed) breaks the rule apart from its length, or undefined when it does not. */
export function nameCharProblem(name: string): string | undefined {
  let index = -1;
  for (let i = 0; i < name.length; i++) {
    if (forbidden(name.charCodeAt(i))) {
      index = i;
      break;
    }
  }
  if (index < 0) return undefined;
  const code = name.charCodeAt(index);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const what = WHAT[code] ?? 'a control character';
  return `holds ${what} (${hex}) at position ${index + 1}; names may not hold control or bidi characters`;
}

/** The rule as a zod schema: `what` names the thing in the sentences ("cue", "preset"). */
export function nameSchema(what: string, max = 64) {
  return z
    .string()
    .trim()
    .min(1, `a ${what} needs a name`)
    .max(max, `${what} names are at most ${max} characters`)
    .superRefine((name, ctx) => {
      const problem = nameCharProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: `the ${what} name ${problem}` });
    });
}
