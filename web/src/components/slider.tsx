import { useRef, useState } from 'preact/hooks';
import { formatValue, fromPosition, toPosition } from '../schema';
import { useHeld } from './use-held';
import type { ControlSpec } from '../schema';

type NumericSpec = Extract<ControlSpec, { kind: 'number' | 'int' }>;

interface SliderProps {
  spec: NumericSpec;
  value: number;
  onChange: (value: number) => void;
}

/** Slider resolution: positions are 0..STEPS, mapped through the parameter's curve. */
const STEPS = 1000;

/**
 * A number parameter: a slider that follows the parameter's curve, a numeric field for exact entry, the unit
 * and range. Double-click resets to the default. Sends while dragging; remote changes wait until release.
 */
export function Slider({ spec, value, onChange }: SliderProps) {
  const { shown, setShown, hold, release } = useHeld(value);
  const [draft, setDraftState] = useState<string | null>(null);
  // The blur handler needs the text typed so far, including a just-pressed Escape, before a re-render.
  const draftRef = useRef<string | null>(null);
  const setDraft = (text: string | null) => {
    draftRef.current = text;
    setDraftState(text);
  };
  const { min, max, curve } = spec;
  const pos = Math.round(toPosition(shown, min, max, curve) * STEPS);

  const commit = (v: number) => {
    setShown(v);
    onChange(v);
  };
  const fromText = (text: string): number | undefined => {
    const n = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(n)) return undefined;
    // toPrecision: arrow steps must not send 1.1000000000000001.
    return Math.min(max, Math.max(min, spec.kind === 'int' ? Math.round(n) : Number(n.toPrecision(12))));
  };
  const enter = () => {
    const text = draftRef.current;
    const v = text === null ? undefined : fromText(text);
    setDraft(null);
    release();
    if (v !== undefined && v !== shown) commit(v);
  };
  const reset = () => commit(spec.default);

  return (
    <div class="slider">
      <input
        type="range"
        min={0}
        max={STEPS}
        step={1}
        value={pos}
        aria-label={spec.label}
        aria-valuetext={`${formatValue(shown, spec.kind)}${spec.unit ? ` ${spec.unit}` : ''}`}
        title={`${formatValue(min, spec.kind)} – ${formatValue(max, spec.kind)}${spec.unit ? ` ${spec.unit}` : ''}; double-click: default (${formatValue(spec.default, spec.kind)})`}
        onPointerDown={hold}
        onPointerUp={release}
        onPointerCancel={release}
        onLostPointerCapture={release}
        onInput={(e) => commit(fromPosition(Number(e.currentTarget.value) / STEPS, min, max, curve, spec.step))}
        onDblClick={reset}
      />
      <span class="slider-range" aria-hidden="true">
        <span>{formatValue(min, spec.kind)}</span>
        <span>{formatValue(max, spec.kind)}</span>
      </span>
      <label class="number">
        <input
          type="text"
          inputMode="decimal"
          aria-label={`${spec.label} value`}
          value={draft ?? formatValue(shown, spec.kind)}
          onFocus={(e) => {
            hold();
            setDraft(formatValue(shown, spec.kind));
            e.currentTarget.select();
          }}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onBlur={enter}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
            if (e.key === 'Escape') {
              setDraft(null);
              e.currentTarget.blur();
            }
            if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
              e.preventDefault();
              const step = spec.step ?? (max - min) / 100;
              const v = fromText(String(shown + (e.key === 'ArrowUp' ? step : -step) * (e.shiftKey ? 10 : 1)));
              if (v !== undefined) {
                commit(v);
                setDraft(formatValue(v, spec.kind));
              }
            }
          }}
        />
        {spec.unit && <span class="unit">{spec.unit}</span>}
      </label>
    </div>
  );
}
