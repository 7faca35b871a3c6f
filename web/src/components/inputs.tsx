/** The non-slider controls: toggle, select, text/prompt, trigger, colour. Each sends on change. */
import { useRef } from 'preact/hooks';
import { useHeld } from './use-held';
import type { ControlSpec } from '../schema';

type Of<K extends ControlSpec['kind']> = Extract<ControlSpec, { kind: K }>;

export function Toggle({
  spec,
  value,
  onChange,
}: {
  spec: Of<'bool'>;
  value: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <label class="toggle">
      <input
        type="checkbox"
        role="switch"
        aria-label={spec.label}
        checked={value}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <span class="track" aria-hidden="true" />
    </label>
  );
}

export function Select({ spec, value, onChange }: { spec: Of<'enum'>; value: string; onChange: (v: string) => void }) {
  return (
    <select aria-label={spec.label} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {spec.options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

/**
 * A text or prompt field. Typing is held locally (a remote change does not overwrite half a sentence); Enter or
 * leaving the field sends, Escape gives up the edit. Long fields (prompts) get a textarea; Ctrl/Cmd+Enter sends.
 */
export function TextField({
  spec,
  value,
  onChange,
}: {
  spec: Of<'text'>;
  value: string;
  onChange: (v: string) => void;
}) {
  const { shown, setShown, hold, release } = useHeld(value);
  // A ref, not state: Escape then blur run before a re-render, and blur must see the edit was abandoned.
  const dirty = useRef(false);
  const long = (spec.maxLength ?? 0) > 200;
  const send = () => {
    if (dirty.current) onChange(shown);
    dirty.current = false;
    release();
  };
  const common = {
    'aria-label': spec.label,
    value: shown,
    maxLength: spec.maxLength,
    onFocus: hold,
    onBlur: send,
    onInput: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
      setShown(e.currentTarget.value);
      dirty.current = true;
    },
    onKeyDown: (e: KeyboardEvent & { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
      if (e.key === 'Escape') {
        dirty.current = false;
        setShown(value);
        e.currentTarget.blur();
      } else if (e.key === 'Enter' && (!long || e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        e.currentTarget.blur();
      }
    },
  };
  return long ? <textarea rows={3} {...common} /> : <input type="text" {...common} />;
}

export function Trigger({ spec, onFire }: { spec: Of<'trigger'>; onFire: () => void }) {
  return (
    <button type="button" class="trigger" onClick={onFire}>
      {spec.label}
    </button>
  );
}

export function ColorPicker({
  spec,
  value,
  onChange,
}: {
  spec: Of<'color'>;
  value: string;
  onChange: (v: string) => void;
}) {
  const { shown, setShown, hold, release } = useHeld(value);
  return (
    <label class="color">
      <input
        type="color"
        aria-label={spec.label}
        value={shown}
        onFocus={hold}
        onBlur={release}
        onInput={(e) => {
          setShown(e.currentTarget.value);
          onChange(e.currentTarget.value);
        }}
      />
      <code>{shown}</code>
    </label>
  );
}
