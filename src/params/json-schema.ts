import type { ParamSpec, ParamSpecs } from './spec';

export type JsonSchema = Record<string, unknown>;

/** One parameter as JSON Schema, with the extras a control surface needs under `x-scope`. */
export function paramJsonSchema(spec: ParamSpec): JsonSchema {
  const base: JsonSchema = {
    title: spec.label,
    description: spec.description,
    default: spec.default,
    'x-scope': { kind: spec.kind, mode: spec.mode, group: spec.group },
  };
  switch (spec.kind) {
    case 'number':
      return {
        ...base,
        type: 'number',
        minimum: spec.min,
        maximum: spec.max,
        'x-scope': {
          kind: spec.kind,
          mode: spec.mode,
          group: spec.group,
          step: spec.step,
          unit: spec.unit,
          curve: spec.curve,
          smoothing: spec.smoothing,
        },
      };
    case 'int':
      return {
        ...base,
        type: 'integer',
        minimum: spec.min,
        maximum: spec.max,
        'x-scope': { kind: spec.kind, mode: spec.mode, group: spec.group, step: spec.step, unit: spec.unit },
      };
    case 'bool':
      return { ...base, type: 'boolean' };
    case 'enum':
      return { ...base, type: 'string', enum: [...spec.options] };
    case 'text':
      if (spec.listOf) {
        const word = `(${spec.listOf.join('|')})`;
        return {
          ...base,
          type: 'string',
          maxLength: spec.maxLength,
          pattern: `^\\s*(${word}\\s*(,\\s*${word}\\s*)*)?$`,
        };
      }
      return { ...base, type: 'string', maxLength: spec.maxLength };
    case 'trigger':
      return { ...base, type: 'boolean', default: false };
    case 'color':
      return { ...base, type: 'string', pattern: '^#[0-9a-fA-F]{6}$' };
  }
}

/** A pipeline's whole parameter set as one JSON Schema object. */
export function paramsJsonSchema(specs: ParamSpecs): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of Object.entries(specs)) properties[name] = paramJsonSchema(spec);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
