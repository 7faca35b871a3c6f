/**
 * Parameter specs are data: each knows its default, how to sanitize an unknown value from any surface
 * (OSC, MIDI, HTTP, WebSocket) and how to describe itself as JSON Schema.
 */
import { strictNumber } from '../shared/numbers';

export type Sanitized<T> = { ok: true; value: T } | { ok: false; reason: string };

/** When a change takes effect: `runtime` on the next frame, `load` through a pipeline reload. */
export type ParamMode = 'runtime' | 'load';

interface BaseSpec<K extends string, T> {
  kind: K;
  default: T;
  label?: string;
  description?: string;
  mode: ParamMode;
  /** UI/controller grouping hint, e.g. "colour" or "motion". */
  group?: string;
}

export interface NumberSpec extends BaseSpec<'number', number> {
  min: number;
  max: number;
  step?: number;
  unit?: string;
  /** Response curve for surfaces that map 0..1 controllers onto the range. */
  curve: 'linear' | 'log' | 'exp';
  /** Time constant in seconds of the exponential smoothing applied at frame boundaries; 0 = none. */
  smoothing: number;
}
export interface IntSpec extends BaseSpec<'int', number> {
  min: number;
  max: number;
  step?: number;
  unit?: string;
}
export type BoolSpec = BaseSpec<'bool', boolean>;
/** `O` is the union of the options, so a pipeline's snapshot reads the value as that union. */
export interface EnumSpec<O extends string = string> extends BaseSpec<'enum', O> {
  options: readonly O[];
}
export interface TextSpec extends BaseSpec<'text', string> {
  maxLength: number;
  multiline: boolean;
  /** A comma-separated list of these words only (in any order, repeats allowed): e.g. the pre-processor chain. */
  listOf?: readonly string[];
}
/** A trigger has no value; setting it fires once, on the next frame. */
export type TriggerSpec = BaseSpec<'trigger', false>;
/** Colours are `#rrggbb` strings. */
export type ColorSpec = BaseSpec<'color', string>;

export type ParamSpec = NumberSpec | IntSpec | BoolSpec | EnumSpec | TextSpec | TriggerSpec | ColorSpec;
export type ParamSpecs = Record<string, ParamSpec>;
export type ParamValue = number | boolean | string;

/** The value a spec gives in a snapshot: numbers, an enum's option union, booleans (triggers too), strings. */
export type ValueOf<S extends ParamSpec> =
  S extends EnumSpec<infer O>
    ? O
    : S extends NumberSpec | IntSpec
      ? number
      : S extends BoolSpec | TriggerSpec
        ? boolean
        : string;

/** Values of a set of specs, each typed from its spec. */
export type ParamValues<S extends ParamSpecs> = { readonly [K in keyof S]: ValueOf<S[K]> };

type Common = { label?: string; description?: string; mode?: ParamMode; group?: string };

const common = (o: Common) => ({
  label: o.label,
  description: o.description,
  mode: o.mode ?? 'runtime',
  group: o.group,
});

/** Builders in the theatre.js manner: `p.number(1, { min: 0, max: 4 })`. */
export const p = {
  number: (
    def: number,
    o: Common & {
      min: number;
      max: number;
      step?: number;
      unit?: string;
      curve?: NumberSpec['curve'];
      smoothing?: number;
    },
  ): NumberSpec => ({
    kind: 'number',
    default: def,
    ...common(o),
    min: o.min,
    max: o.max,
    step: o.step,
    unit: o.unit,
    curve: o.curve ?? 'linear',
    smoothing: o.smoothing ?? 0,
  }),
  int: (def: number, o: Common & { min: number; max: number; step?: number; unit?: string }): IntSpec => ({
    kind: 'int',
    default: def,
    ...common(o),
    min: o.min,
    max: o.max,
    step: o.step,
    unit: o.unit,
  }),
  bool: (def: boolean, o: Common = {}): BoolSpec => ({ kind: 'bool', default: def, ...common(o) }),
  enum: <const O extends readonly string[]>(def: O[number], options: O, o: Common = {}): EnumSpec<O[number]> => ({
    kind: 'enum',
    default: def,
    options,
    ...common(o),
  }),
  text: (
    def: string,
    o: Common & { maxLength?: number; multiline?: boolean; listOf?: readonly string[] } = {},
  ): TextSpec => ({
    kind: 'text',
    default: def,
    ...common(o),
    maxLength: o.maxLength ?? 2000,
    multiline: o.multiline ?? false,
    ...(o.listOf ? { listOf: o.listOf } : {}),
  }),
  trigger: (o: Common = {}): TriggerSpec => ({ kind: 'trigger', default: false, ...common(o) }),
  color: (def: string, o: Common = {}): ColorSpec => ({ kind: 'color', default: def, ...common(o) }),
};

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** A number, or a string spelling one plainly; booleans are not numbers. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return strictNumber(value);
  return undefined;
}

function sanitizeNumeric(spec: NumberSpec | IntSpec, value: unknown): Sanitized<number> {
  const n = toNumber(value);
  if (n === undefined) return { ok: false, reason: `expected a number, got ${describe(value)}` };
  if (!Number.isFinite(n)) return { ok: false, reason: `expected a finite number, got ${String(n)}` };
  const v = spec.kind === 'int' ? Math.round(n) : n;
  return { ok: true, value: clamp(v, spec.min, spec.max) };
}

function sanitizeBool(value: unknown): Sanitized<boolean> {
  if (typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: value >= 0.5 };
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (['true', 'on', 'yes', '1'].includes(s)) return { ok: true, value: true };
    if (['false', 'off', 'no', '0'].includes(s)) return { ok: true, value: false };
  }
  return { ok: false, reason: `expected true/false, got ${describe(value)}` };
}

function sanitizeEnum(spec: EnumSpec, value: unknown): Sanitized<string> {
  if (typeof value === 'string' && spec.options.includes(value)) return { ok: true, value };
  // Controllers send numbers: an integer index selects the option.
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < spec.options.length) {
    return { ok: true, value: spec.options[value]! };
  }
  return { ok: false, reason: `expected one of ${spec.options.join(', ')}, got ${describe(value)}` };
}

const HEX = /^#?([0-9a-f]{6})$/i;

function sanitizeColor(value: unknown): Sanitized<string> {
  if (typeof value === 'string') {
    const m = HEX.exec(value.trim());
    if (m) return { ok: true, value: `#${m[1]!.toLowerCase()}` };
  }
  if (Array.isArray(value) && value.length >= 3 && value.slice(0, 3).every((c) => typeof c === 'number')) {
    // [r, g, b] in 0..1, as OSC 'r' colours and TouchDesigner send them.
    const hex = value
      .slice(0, 3)
      .map((c: number) => Math.round(clamp(Number.isFinite(c) ? c : 0, 0, 1) * 255))
      .map((c) => c.toString(16).padStart(2, '0'))
      .join('');
    return { ok: true, value: `#${hex}` };
  }
  return { ok: false, reason: `expected a colour like #ff8800, got ${describe(value)}` };
}

/** A comma-separated list of known words, written back without spaces ("depth, edges" -> "depth,edges"). */
function sanitizeList(words: readonly string[], value: string): Sanitized<string> {
  const items = value
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  const unknown = items.find((w) => !words.includes(w));
  if (unknown !== undefined) {
    return { ok: false, reason: `${describe(unknown)} is not one of ${words.join(', ')} (a comma-separated list)` };
  }
  return { ok: true, value: items.join(',') };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Turns any value from any surface into a valid value for `spec`, or a reason why it cannot. */
export function sanitize(spec: ParamSpec, value: unknown): Sanitized<ParamValue> {
  switch (spec.kind) {
    case 'number':
    case 'int':
      return sanitizeNumeric(spec, value);
    case 'bool':
      return sanitizeBool(value);
    case 'enum':
      return sanitizeEnum(spec, value);
    case 'text':
      if (typeof value !== 'string') return { ok: false, reason: `expected text, got ${describe(value)}` };
      if (value.length > spec.maxLength) {
        return { ok: false, reason: `text is ${value.length} characters, the limit is ${spec.maxLength}` };
      }
      return spec.listOf ? sanitizeList(spec.listOf, value) : { ok: true, value };
    case 'trigger':
      // Any value fires a trigger except an explicit "off" (a button's release).
      if (value === false || value === 0 || value === 'false') return { ok: true, value: false };
      return { ok: true, value: true };
    case 'color':
      return sanitizeColor(value);
  }
}
