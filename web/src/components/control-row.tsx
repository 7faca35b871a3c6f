import { useState } from 'preact/hooks';
import { copyText } from '../copy';
import { usePanel } from '../context';
import { ColorPicker, Select, TextField, Toggle, Trigger } from './inputs';
import { MidiLearn } from './midi-learn';
import { Slider } from './slider';
import type { ParamValue } from '../../../src/shared/api';
import { toPosition } from '../schema';
import type { ControlSpec } from '../schema';

/** One parameter: its label, the control that suits its kind, its OSC address to copy and its MIDI binding. */
export function ControlRow({
  spec,
  value,
  modulated,
}: {
  spec: ControlSpec;
  value: ParamValue | undefined;
  modulated?: number | undefined;
}) {
  const { client } = usePanel();
  const set = (v: ParamValue) => client.set(spec.name, v);
  return (
    <div class={`control kind-${spec.kind}`} data-param={spec.name}>
      <div class="control-head">
        <span class="label" title={spec.description ?? spec.label}>
          {spec.label}
          {spec.reloads && (
            <span class="badge" title="Changing this reloads the pipeline">
              reload
            </span>
          )}
        </span>
        <OscAddress name={spec.name} />
        <MidiLearn param={spec.name} />
      </div>
      <div class="control-body">{body(spec, value, set)}</div>
      {modulated !== undefined && (spec.kind === 'number' || spec.kind === 'int') && (
        <ModulatedMark spec={spec} value={modulated} />
      )}
    </div>
  );
}

function body(spec: ControlSpec, value: ParamValue | undefined, set: (v: ParamValue) => void) {
  switch (spec.kind) {
    case 'number':
    case 'int':
      return <Slider spec={spec} value={typeof value === 'number' ? value : spec.default} onChange={set} />;
    case 'bool':
      return <Toggle spec={spec} value={value === true} onChange={set} />;
    case 'enum':
      return <Select spec={spec} value={typeof value === 'string' ? value : spec.default} onChange={set} />;
    case 'text':
      return <TextField spec={spec} value={typeof value === 'string' ? value : spec.default} onChange={set} />;
    case 'trigger':
      return <Trigger spec={spec} onFire={() => set(true)} />;
    case 'color':
      return <ColorPicker spec={spec} value={typeof value === 'string' ? value : spec.default} onChange={set} />;
  }
}

/** Where a modulator has moved the value this frame: a mark running along under the slider. */
function ModulatedMark({ spec, value }: { spec: Extract<ControlSpec, { kind: 'number' | 'int' }>; value: number }) {
  // Placed on the slider's own curve, so the mark sits where the thumb would be at that value.
  const at = Math.min(1, Math.max(0, toPosition(value, spec.min, spec.max, spec.curve)));
  return (
    <div class="modulated" title={`modulated: ${Number(value.toPrecision(4))}`} data-modulated={value}>
      <i style={{ left: `${(at * 100).toFixed(2)}%` }} />
    </div>
  );
}

/** `/scope/<param>`, click to copy: what a performer types into TouchDesigner or a show controller. */
function OscAddress({ name }: { name: string }) {
  const { notify } = usePanel();
  const [copied, setCopied] = useState(false);
  const address = `/scope/${name}`;
  return (
    <button
      type="button"
      class={`osc${copied ? ' copied' : ''}`}
      title={`OSC address ${address}: click to copy`}
      aria-label={`copy OSC address ${address}`}
      onClick={() => {
        void copyText(address).then((ok) => {
          if (!ok) return notify(`Could not copy; the address is ${address}`);
          setCopied(true);
          setTimeout(() => setCopied(false), 1200);
        });
      }}
    >
      {copied ? 'copied' : address}
    </button>
  );
}
