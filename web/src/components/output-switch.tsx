import type { OutputInfo } from '../services';

/** An output's on/off switch; an output that cannot run is greyed out, its reason on hover. */
export function OutputSwitch({ output: o, onEnable }: { output: OutputInfo; onEnable: (enabled: boolean) => void }) {
  return (
    <label class="toggle" title={o.available ? '' : o.reason}>
      <input
        type="checkbox"
        role="switch"
        aria-label={`enable ${o.name}`}
        checked={o.enabled}
        disabled={!o.available}
        onChange={(e) => onEnable(e.currentTarget.checked)}
      />
      <span class="track" aria-hidden="true" />
    </label>
  );
}
