import { z } from 'zod';
import { sanitize } from '../params/spec';
import type { ParamSpec } from '../params/spec';
import type { Pipeline, PipelineDefinition } from '../engine/pipeline';

const base = {
  label: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  mode: z.enum(['runtime', 'load']),
  group: z.string().max(100).optional(),
};
// zod numbers refuse NaN and ±Infinity.
const finite = z.number();
const range = { min: finite, max: finite, step: finite.positive().optional(), unit: z.string().max(20).optional() };
const ordered = (s: { min: number; max: number }) => s.min <= s.max;
const notOrdered = { message: 'min is above max' };

const specSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('number'),
      default: finite,
      ...base,
      ...range,
      curve: z.enum(['linear', 'log', 'exp']),
      smoothing: finite.min(0),
    })
    .refine(ordered, notOrdered)
    .refine((s) => s.curve !== 'log' || s.min > 0, { message: 'a log curve needs min above 0' }),
  z.object({ kind: z.literal('int'), default: finite, ...base, ...range }).refine(ordered, notOrdered),
  z.object({ kind: z.literal('bool'), default: z.boolean(), ...base }),
  z.object({ kind: z.literal('enum'), default: z.string(), options: z.array(z.string().min(1)).min(1), ...base }),
  z.object({
    kind: z.literal('text'),
    default: z.string(),
    maxLength: z.number().int().positive(),
    multiline: z.boolean(),
    ...base,
  }),
  z.object({ kind: z.literal('trigger'), default: z.literal(false), ...base }),
  z.object({ kind: z.literal('color'), default: z.string(), ...base }),
]);

/** Names that become OSC address segments and JSON keys; width and height belong to the host. */
const paramName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a parameter name is a letter, then letters, digits, - or _')
  .refine((n) => n !== 'width' && n !== 'height', 'width and height are every pipeline’s own; pick another name');

const definitionSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an id is lower-case letters, digits and -, like "my-pipeline"'),
  name: z.string().min(1).max(100),
  description: z.string().max(2000),
  params: z.record(z.string(), specSchema),
  create: z.custom<() => Pipeline>((v) => typeof v === 'function', 'create must be a function'),
});

export type Checked = { ok: true; def: PipelineDefinition } | { ok: false; reason: string };

/** Checks a pipeline definition from outside the project (a plugin): shape, names, and every spec's default. */
export function checkDefinition(value: unknown): Checked {
  const parsed = definitionSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    return { ok: false, reason: `${where}${issue.message}` };
  }
  const def = parsed.data;
  for (const [name, spec] of Object.entries(def.params)) {
    const named = paramName.safeParse(name);
    if (!named.success) return { ok: false, reason: `params.${name}: ${named.error.issues[0]!.message}` };
    const reason = badDefault(spec);
    if (reason) return { ok: false, reason: `params.${name}: ${reason}` };
  }
  return { ok: true, def };
}

/** A default must be a value its own spec accepts unchanged, or every fresh load would start off-spec. */
function badDefault(spec: ParamSpec): string | undefined {
  const checked = sanitize(spec, spec.default);
  if (!checked.ok) return `default ${JSON.stringify(spec.default)}: ${checked.reason}`;
  if (checked.value !== spec.default) {
    return `default ${JSON.stringify(spec.default)} is not a valid value (it would be ${JSON.stringify(checked.value)})`;
  }
  return undefined;
}
