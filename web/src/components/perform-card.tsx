import { useEffect, useRef, useState } from 'preact/hooks';
import { beatNow } from '../perform-types';
import type { CuesInfo, RecordingInfo, TempoInfo } from '../perform-types';

export interface PerformActions {
  tap(): void;
  setBpm(bpm: number): void;
  quantize(q: string): void;
  go(cue: string | number): void;
  record(on: boolean): void;
}

const QUANTIZE = ['off', 'beat', 'bar', '2bars', '4bars'];

/** Tempo (beat light, bpm, tap, quantise), the cue list with Go, and the record button. */
export function PerformCard(props: {
  tempo: TempoInfo | null;
  cues: CuesInfo | null;
  recording: RecordingInfo | null;
  actions: PerformActions;
}) {
  const { tempo, cues, recording, actions } = props;
  return (
    <div class="perform">
      {tempo && <TempoRow tempo={tempo} actions={actions} />}
      {recording && <RecordRow recording={recording} onRecord={actions.record} />}
      {cues && <CueList cues={cues} onGo={actions.go} />}
    </div>
  );
}

function TempoRow({ tempo, actions }: { tempo: TempoInfo; actions: PerformActions }) {
  const [bpm, setBpm] = useState<string | null>(null);
  const q = Object.values(tempo.quantize);
  const shared = q.every((x) => x === q[0]) ? (q[0] ?? 'off') : 'mixed';
  return (
    <div class="tempo">
      <BeatLight tempo={tempo} />
      <input
        class="bpm"
        aria-label="tempo in bpm"
        inputMode="decimal"
        value={bpm ?? tempo.bpm.toFixed(1)}
        onFocus={() => setBpm(tempo.bpm.toFixed(1))}
        onInput={(e) => setBpm(e.currentTarget.value)}
        onBlur={() => setBpm(null)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && bpm !== null && Number.isFinite(Number(bpm))) {
            actions.setBpm(Number(bpm));
            e.currentTarget.blur();
          }
          if (e.key === 'Escape') e.currentTarget.blur();
        }}
      />
      <span class="dim" title="where the tempo comes from">
        {tempo.source}
        {tempo.link?.enabled ? ` · Link ${tempo.link.peers}` : ''}
      </span>
      <button type="button" class="tap" onClick={actions.tap} title="Tap on the beat (T)">
        Tap
      </button>
      <label class="quantize" title="Changes from every surface wait for this boundary">
        <span class="dim">quantise</span>
        <select value={shared} onChange={(e) => actions.quantize(e.currentTarget.value)} aria-label="quantise">
          {shared === 'mixed' && <option value="mixed">mixed</option>}
          {QUANTIZE.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </label>
      {tempo.pending > 0 && <span class="badge">{tempo.pending} waiting</span>}
    </div>
  );
}

/** One light per beat of the bar; the beat's light flashes on the beat and fades through it. */
export function BeatLight({ tempo }: { tempo: TempoInfo }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let raf = 0;
    const draw = () => {
      const el = ref.current;
      if (el) {
        const beat = beatNow(tempo, performance.now());
        const whole = Math.floor(beat);
        const inBar = ((whole % tempo.beatsPerBar) + tempo.beatsPerBar) % tempo.beatsPerBar;
        el.querySelectorAll<HTMLElement>('i').forEach((dot, i) => {
          dot.style.opacity = i === inBar ? String(1 - 0.7 * (beat - whole)) : '0.15';
        });
        el.dataset.beat = String(inBar);
      }
      raf = requestAnimationFrame(draw);
    };
    draw();
    return () => cancelAnimationFrame(raf);
  }, [tempo]);
  return (
    <div class="beat-light" ref={ref} role="img" aria-label={`beat light, ${tempo.bpm.toFixed(1)} bpm`}>
      {Array.from({ length: tempo.beatsPerBar }, (_, i) => (
        <i key={i} class={i === 0 ? 'down' : ''} />
      ))}
    </div>
  );
}

function RecordRow({ recording, onRecord }: { recording: RecordingInfo; onRecord: (on: boolean) => void }) {
  if (!recording.available) return <p class="dim">Recording unavailable: {recording.reason}</p>;
  const on = recording.recording;
  return (
    <div class="record">
      <button
        type="button"
        class={`rec${on ? ' on' : ''}`}
        aria-pressed={on}
        onClick={() => onRecord(!on)}
        title={on ? 'Stop recording' : 'Record the output to MP4'}
      >
        ● {on ? 'Stop' : 'Record'}
      </button>
      {recording.file && (
        <span class="dim" title={recording.file}>
          {recording.file.split(/[\\/]/).at(-1)}
          {recording.dropped > 0 ? ` · ${recording.dropped} dropped` : ''}
        </span>
      )}
      {recording.error && (
        <p class="error" role="alert">
          Recording stopped: {recording.error}
        </p>
      )}
    </div>
  );
}

function CueList({ cues, onGo }: { cues: CuesInfo; onGo: (cue: string | number) => void }) {
  return (
    <div class="cues">
      <div class="cue-buttons">
        <button type="button" onClick={() => onGo('previous')} disabled={cues.cues.length === 0}>
          ◀ Prev
        </button>
        <button type="button" class="go" onClick={() => onGo('next')} disabled={cues.cues.length === 0}>
          GO
        </button>
      </div>
      {cues.cues.length === 0 && (
        <p class="dim">No cues yet: PUT /api/v1/cues/&lt;name&gt; saves the current values.</p>
      )}
      <ol>
        {cues.cues.map((c, i) => (
          <li key={c.name} class={i === cues.current ? 'current' : ''} data-cue={c.name}>
            <button type="button" class="recall" onClick={() => onGo(c.name)}>
              {c.name}
            </button>
            <span class="dim">
              {c.fade > 0 ? `${c.fade}s` : 'cut'}
              {c.quantize ? ` · ${c.quantize}` : ''}
            </span>
            {i === cues.current && cues.fading !== null && (
              <progress max={1} value={cues.fading} aria-label={`fading to ${c.name}`} />
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
