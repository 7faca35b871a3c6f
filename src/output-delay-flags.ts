/**
 * The output delay's row of the flag table (`--output-delay 120` for milliseconds, `--output-delay 1b` for beats)
 * and the option it sets. Kept here so flags.ts and scope-options.ts grow by a line each.
 */
import { z } from 'zod';
import { strictNumber } from './shared/numbers';
import type { FlagDef } from './flags';
import type { OutputDelayBody } from './shared/latency';

export interface OutputDelayOptions {
  /** The output delay at start, over the saved one (`output-delay.json`); undefined: the saved one. */
  outputDelay: OutputDelayBody | undefined;
}

export const outputDelayDefaults: OutputDelayOptions = { outputDelay: undefined };

/** `120` (milliseconds) or `1.5b` (beats); out-of-range values are clamped later, as over HTTP. */
export const outputDelayTextSchema = z.string().transform((text, ctx): OutputDelayBody => {
  const beats = text.endsWith('b');
  const n = strictNumber(beats ? text.slice(0, -1) : text);
  if (n === undefined || n < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected milliseconds (120) or beats (1b), 0 or more, got "${text.slice(0, 40)}"`,
    });
    return z.NEVER;
  }
  return beats ? { beats: n } : { ms: n };
});

const flag = <T>(def: FlagDef<T>): FlagDef => def as FlagDef;

export const OUTPUT_DELAY_FLAGS: FlagDef[] = [
  flag({
    name: 'output-delay',
    arg: '<ms|nb>',
    help: 'hold every output back, to line up with a PA: milliseconds (120) or beats (1b); over the saved setting',
    shows: 'the saved setting (0)',
    schema: outputDelayTextSchema,
    apply: (v) => ({ outputDelay: v }),
  }),
];
