import { sanitize } from '../params/spec';
import type { ParamSpecs, ParamValue, ParamValues } from '../params/spec';
import type { OutputSize, ParamSnapshot } from './pipeline';

/**
 * A snapshot of `specs` at an output size without a store: each of `values` sanitized by its spec (an invalid
 * one throws, as does an unknown name), the rest at their defaults. For a pipeline run inside another, tests and benches.
 */
export function snapshotOf<S extends ParamSpecs>(
  specs: S,
  size: OutputSize,
  values: { [K in keyof S]?: unknown } = {},
): ParamSnapshot<S> {
  const unknown = Object.keys(values).filter((path) => !Object.hasOwn(specs, path));
  if (unknown.length > 0) throw new Error(`unknown parameter "${unknown.join('", "')}"`);
  const out: Record<string, ParamValue> = {};
  for (const [path, spec] of Object.entries(specs)) {
    const given: unknown = values[path];
    if (given === undefined) {
      out[path] = spec.default;
      continue;
    }
    const checked = sanitize(spec, given);
    if (!checked.ok) throw new Error(`parameter "${path}": ${checked.reason}`);
    out[path] = checked.value;
  }
  // Each value came from its own spec's default or sanitize, which is what ParamValues<S> describes.
  return { ...(out as ParamValues<S>), width: size.width, height: size.height };
}
