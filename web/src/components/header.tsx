import { Sparkline } from './sparkline';
import type { PanelState } from '../state';

interface Props {
  state: PanelState;
  paused: boolean;
  onPause: () => void;
  onHelp: () => void;
}

/** The top strip: connection, pipeline state, fps and frame time at a glance, pause and help. */
export function Header({ state, paused, onPause, onHelp }: Props) {
  const s = state.stats;
  const budget = s ? 1000 / s.targetFps : 33.3;
  const midiOff = state.midi && !state.midi.available ? (state.midi.reason ?? 'MIDI is not available') : null;
  // A mapping the server could not save (a full disk) was undone: say so until a save works again.
  const midiUnsaved = state.midi?.saveError ?? null;
  return (
    <header class="top">
      <span class={`dot${state.connected ? ' on' : ''}`} title={state.connected ? 'connected' : 'connecting…'} />
      <h1>daydream-scope</h1>
      {!state.connected && <span class="warn">reconnecting…</span>}
      <span class="readout" aria-label="fps">
        <b data-testid="fps">{s ? s.fps.toFixed(1) : '–'}</b> fps
        {s && <span class="dim"> / {s.targetFps}</span>}
      </span>
      <span class="readout" aria-label="frame time">
        <b data-testid="frame-time">{s ? s.frameTimeP50.toFixed(1) : '–'}</b> ms
        {s && <span class="dim"> p99 {s.frameTimeP99.toFixed(1)}</span>}
      </span>
      <Sparkline values={state.frameTimes} budget={budget} />
      {s && (s.late > 0 || s.dropped > 0) && (
        <span class="dim" title="frames sent again because a render was late or failed / slots skipped">
          late {s.late} · dropped {s.dropped}
        </span>
      )}
      <span class="spacer" />
      {midiOff && (
        <span class="dim note" title={midiOff}>
          MIDI off: {midiOff}
        </span>
      )}
      {midiUnsaved && (
        <span class="warn note" role="alert" title={midiUnsaved}>
          MIDI mapping not saved: {midiUnsaved}
        </span>
      )}
      <button
        type="button"
        class={`pause${paused ? ' active' : ''}`}
        aria-pressed={paused}
        onClick={onPause}
        title="Space"
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button
        type="button"
        class="icon"
        aria-label="keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        onClick={onHelp}
      >
        ?
      </button>
    </header>
  );
}
