/** The one rule for numbers written as text, at every edge (HTTP, WebSocket, OSC strings, query strings, flags). */
import { z } from 'zod';

/** A decimal number written plainly: a sign, digits with an optional fraction, an optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a string spells plainly, or undefined: `"0x10"`, `" 2 "`, `""`, `"1_000"`, `"Infinity"` and `"1e"`
 * are not numbers (JavaScript's Number() would take most of them).
 */
export function strictNumber(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/** A string that spells a number plainly, as that number (query strings, flags). */
export const numberTextSchema = z
  .string()
  .refine((v) => strictNumber(v) !== undefined, 'expected a number written plainly, such as 30 or 0.5')
  .transform((v) => strictNumber(v)!);
