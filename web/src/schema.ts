/** Turns a pipeline's JSON Schema (with `x-scope` hints) into control descriptions the panel draws. */
import type { JsonSchema, ParamValue } from '../../src/shared/api';

interface Common {
  name: string;
  label: string;
  description: string | undefined;
  group: string;
  /** A change reloads the pipeline. */
  reloads: boolean;
}

export type Curve = 'linear' | 'log' | 'exp';

export type ControlSpec = Common &
  (
    | {
        kind: 'number' | 'int';
        default: number;
        min: number;
        max: number;
        step: number | undefined;
        unit: string | undefined;
        curve: Curve;
      }
    | { kind: 'bool'; default: boolean }
    | { kind: 'enum'; default: string; options: string[] }
    | { kind: 'text'; default: string; maxLength: number | undefined }
    | { kind: 'trigger'; default: false }
    | { kind: 'color'; default: string }
  );

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Every parameter of `schema`, in declaration order; entries the panel cannot draw are skipped. */
export function controlsOf(schema: JsonSchema): ControlSpec[] {
  const props = isObj(schema.properties) ? schema.properties : {};
  const out: ControlSpec[] = [];
  for (const [name, raw] of Object.entries(props)) {
    if (!isObj(raw)) continue;
    const spec = controlOf(name, raw);
    if (spec) out.push(spec);
  }
  return out;
}

function controlOf(name: string, s: Obj): ControlSpec | undefined {
  const x = isObj(s['x-scope']) ? s['x-scope'] : {};
  const common: Common = {
    name,
    label: str(s.title) ?? name,
    description: str(s.description),
    group: str(x.group) ?? 'parameters',
    reloads: x.mode === 'load',
  };
  const kind = str(x.kind) ?? inferKind(s);
  switch (kind) {
    case 'number':
    case 'int': {
      const min = num(s.minimum) ?? 0;
      const max = num(s.maximum) ?? 1;
      const curve = x.curve === 'log' || x.curve === 'exp' ? x.curve : 'linear';
      return {
        ...common,
        kind,
        min,
        max,
        default: num(s.default) ?? min,
        step: num(x.step) ?? (kind === 'int' ? 1 : undefined),
        unit: str(x.unit),
        curve,
      };
    }
    case 'bool':
      return { ...common, kind, default: s.default === true };
    case 'enum': {
      const options = Array.isArray(s.enum) ? s.enum.filter((o): o is string => typeof o === 'string') : [];
      return { ...common, kind, options, default: str(s.default) ?? options[0] ?? '' };
    }
    case 'text':
      return { ...common, kind, default: str(s.default) ?? '', maxLength: num(s.maxLength) };
    case 'trigger':
      return { ...common, kind, default: false };
    case 'color':
      return { ...common, kind, default: str(s.default) ?? '#000000' };
    default:
      return undefined;
  }
}

/** Plain JSON Schema without `x-scope` (another server version): guess from the type. */
function inferKind(s: Obj): string | undefined {
  if (s.type === 'number') return 'number';
  if (s.type === 'integer') return 'int';
  if (s.type === 'boolean') return 'bool';
  if (s.type === 'string') return Array.isArray(s.enum) ? 'enum' : 'text';
  return undefined;
}

/**
 * Controls grouped by their `group` hint, in first-seen order, except that groups made only of reloading
 * parameters (output size, network shape) go last: during a show the live ones are what the hand reaches for.
 */
export function groupControls(controls: ControlSpec[]): [string, ControlSpec[]][] {
  const groups = new Map<string, ControlSpec[]>();
  for (const c of controls) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const all = [...groups];
  const live = all.filter(([, cs]) => cs.some((c) => !c.reloads));
  return [...live, ...all.filter((g) => !live.includes(g))];
}

/** Position 0..1 of `value` on a slider that follows the parameter's response curve. */
export function toPosition(value: number, min: number, max: number, curve: Curve): number {
  if (max <= min) return 0;
  const t = (value - min) / (max - min);
  if (curve === 'log' && min > 0) return Math.log(value / min) / Math.log(max / min);
  if (curve === 'exp') return Math.sqrt(Math.max(0, t));
  return t;
}

/** The inverse of `toPosition`, rounded to `step` when there is one. */
export function fromPosition(pos: number, min: number, max: number, curve: Curve, step?: number): number {
  const p = Math.min(1, Math.max(0, pos));
  let v: number;
  if (curve === 'log' && min > 0) v = min * Math.pow(max / min, p);
  else if (curve === 'exp') v = min + (max - min) * p * p;
  else v = min + (max - min) * p;
  if (step && step > 0) v = min + Math.round((v - min) / step) * step;
  return Math.min(max, Math.max(min, roundTo(v, max - min)));
}

/** Rounds to a precision that suits the range, so 0.30000000000000004 is shown and sent as 0.3. */
function roundTo(v: number, span: number): number {
  const digits = Math.max(0, 4 - Math.floor(Math.log10(Math.max(span, 1e-9))));
  return Number(v.toFixed(Math.min(digits, 10)));
}

/** A value for display: integers as is, others with up to 3 significant decimals. */
export function formatValue(v: number, kind: 'number' | 'int'): string {
  if (kind === 'int' || Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  return v.toFixed(abs >= 100 ? 1 : abs >= 10 ? 2 : 3);
}

export const isNumeric = (v: ParamValue | undefined): v is number => typeof v === 'number';
