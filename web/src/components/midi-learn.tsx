import { useState } from 'preact/hooks';
import { usePanel } from '../context';
import { describeControl } from '../midi-types';
import type { MappingPatch, MidiMapping } from '../midi-types';

/**
 * The MIDI part of a control: "Learn" (the next moved MIDI control binds to this parameter), "Learning…" while
 * waiting (click cancels), or the bound control ("CC 21 ch1"), which opens the mapping's settings.
 * Hidden when the server has no MIDI service or MIDI is unavailable (the reason is shown once, elsewhere).
 */
export function MidiLearn({ param }: { param: string }) {
  const { midi, midiActions } = usePanel();
  const [open, setOpen] = useState(false);
  if (!midi?.available) return null;
  const learning = midi.learning?.param === param;
  const mappings = midi.mappings.filter((m) => m.param === param);
  const first = mappings[0];

  if (learning) {
    return (
      <button
        type="button"
        class="midi learning"
        aria-pressed="true"
        title="Move a knob, fader or pad on a MIDI controller; click to cancel"
        onClick={() => midiActions.cancelLearn()}
      >
        Learning…
      </button>
    );
  }
  if (!first) {
    return (
      <button
        type="button"
        class="midi"
        title="MIDI learn: click, then move a control on a MIDI device"
        onClick={() => midiActions.learn(param)}
      >
        Learn
      </button>
    );
  }
  return (
    <span class="midi-wrap">
      <button
        type="button"
        class="midi mapped"
        aria-expanded={open}
        title={`Mapped to ${describeControl(first)}${first.device ? ` on ${first.device}` : ''}; click for settings`}
        onClick={() => setOpen(!open)}
      >
        {describeControl(first)}
        {mappings.length > 1 && ` +${mappings.length - 1}`}
      </button>
      {open && <MappingEditor mappings={mappings} onClose={() => setOpen(false)} param={param} />}
    </span>
  );
}

function MappingEditor({ mappings, param, onClose }: { mappings: MidiMapping[]; param: string; onClose: () => void }) {
  const { midiActions } = usePanel();
  return (
    <div class="popover" role="dialog" aria-label={`MIDI mapping of ${param}`}>
      {mappings.map((m) => (
        <MappingFields key={m.id} mapping={m} />
      ))}
      <div class="row">
        <button type="button" onClick={() => midiActions.learn(param)}>
          Learn another
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

function MappingFields({ mapping: m }: { mapping: MidiMapping }) {
  const { midiActions } = usePanel();
  const patch = (p: MappingPatch) => midiActions.patch(m.id, p);
  // An empty field means "the parameter's own end of the range" (null in the mapping).
  const bound = (text: string): number | null | undefined => {
    if (text.trim() === '') return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  };
  const setBound = (key: 'min' | 'max', text: string) => {
    const v = bound(text);
    if (v !== undefined) patch({ [key]: v });
  };
  return (
    <fieldset class="mapping">
      <legend>
        {describeControl(m)}
        {m.device && <span class="dim"> · {m.device}</span>}
      </legend>
      <label>
        min
        <input
          type="text"
          inputMode="decimal"
          aria-label="mapping min"
          placeholder="param min"
          value={m.min ?? ''}
          onChange={(e) => setBound('min', e.currentTarget.value)}
        />
      </label>
      <label>
        max
        <input
          type="text"
          inputMode="decimal"
          aria-label="mapping max"
          placeholder="param max"
          value={m.max ?? ''}
          onChange={(e) => setBound('max', e.currentTarget.value)}
        />
      </label>
      <label>
        curve
        <select
          aria-label="mapping curve"
          value={m.curve}
          onChange={(e) => patch({ curve: e.currentTarget.value as MidiMapping['curve'] })}
        >
          <option value="linear">linear</option>
          <option value="log">log</option>
          <option value="exp">exp</option>
        </select>
      </label>
      <label class="check">
        <input
          type="checkbox"
          aria-label="invert"
          checked={m.invert}
          onChange={(e) => patch({ invert: e.currentTarget.checked })}
        />
        invert
      </label>
      <label class="check" title="The parameter only follows the control once the control passes its current value">
        <input
          type="checkbox"
          aria-label="soft takeover"
          checked={m.softTakeover}
          onChange={(e) => patch({ softTakeover: e.currentTarget.checked })}
        />
        soft takeover
      </label>
      <button type="button" class="danger" onClick={() => midiActions.unmap(m.id)}>
        Unmap
      </button>
    </fieldset>
  );
}
