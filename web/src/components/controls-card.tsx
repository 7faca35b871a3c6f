import { useMemo } from 'preact/hooks';
import { controlsOf, groupControls } from '../schema';
import { ControlRow } from './control-row';
import type { JsonSchema, ParamValue } from '../../../src/shared/api';

/** Every parameter of the active pipeline, drawn from its JSON Schema and grouped by the schema's hints. */
export function ControlsCard({
  schema,
  values,
  modulated = {},
}: {
  schema: JsonSchema;
  values: Record<string, ParamValue>;
  /** Values moved by modulators: shown as a moving mark on the control. */
  modulated?: Record<string, number>;
}) {
  const groups = useMemo(() => groupControls(controlsOf(schema)), [schema]);
  if (groups.length === 0) return <p class="empty">No parameters: load a pipeline.</p>;
  return (
    <div class="controls">
      {groups.map(([group, controls]) => (
        <section key={group} class="group" aria-label={group}>
          <h3>{group}</h3>
          {controls.map((c) => (
            <ControlRow key={c.name} spec={c} value={values[c.name]} modulated={modulated[c.name]} />
          ))}
        </section>
      ))}
    </div>
  );
}
