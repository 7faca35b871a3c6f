import { useEffect, useRef, useState } from 'preact/hooks';
import { timecodeRates } from '../../../src/shared/timecode';
import { timecodeNow } from '../perform-types';
import type { TimecodeInfo } from '../perform-types';
import type { TimecodeActions } from '../timecode-actions';
import type { TimecodeRate } from '../../../src/shared/timecode';

const SOURCES = { mtc: 'MTC', ltc: 'LTC', internal: 'internal generator', off: 'off' } as const;

/**
 * The show's timecode: where it comes from, its rate, the position (counting on between the server's events while
 * it runs), running or stopped, what chases it; and, for the internal generator, its run/stop and locate.
 */
export function TimecodeCard({ timecode: t, actions }: { timecode: TimecodeInfo; actions: TimecodeActions }) {
  const internal = t.source === 'internal';
  return (
    <div class="timecode">
      <div class="row">
        <span>
          {SOURCES[t.source]}
          {t.rate && <span class="dim"> · {t.rate === '29.97df' ? '29.97 drop' : `${t.rate} fps`}</span>}
        </span>
        <span class={`state state-${t.state}`} data-state={t.state}>
          {t.state}
          {t.reverse && ' (reverse)'}
        </span>
      </div>
      <Position timecode={t} />
      {t.reason && <p class="warn">{t.reason}</p>}
      {t.source === 'off' && <p class="dim">Start the server with --timecode mtc, ltc or internal to follow one.</p>}
      <div class="row">
        <label>
          <span class="dim">rate </span>
          <select
            aria-label="timecode rate"
            value={t.rate ?? ''}
            onChange={(e) => actions.setRate(e.currentTarget.value as TimecodeRate)}
          >
            {t.rate === null && <option value="">not heard yet</option>}
            {timecodeRates.map((r) => (
              <option key={r} value={r}>
                {r === '29.97df' ? '29.97 drop' : r}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            aria-label="cues chase timecode"
            checked={t.chase.cues}
            onChange={(e) => actions.setChase({ cues: e.currentTarget.checked })}
          />{' '}
          cues
        </label>
        <label>
          <input
            type="checkbox"
            aria-label="timeline chases timecode"
            checked={t.chase.timeline}
            onChange={(e) => actions.setChase({ timeline: e.currentTarget.checked })}
          />{' '}
          timeline
        </label>
      </div>
      {internal && <Generator running={t.state === 'running'} actions={actions} />}
      {t.lastCue && <p class="dim">last cue: {t.lastCue}</p>}
    </div>
  );
}

/** hh:mm:ss:ff, redrawn each animation frame while it runs (no state change per frame: the text node is set). */
function Position({ timecode }: { timecode: TimecodeInfo }) {
  const ref = useRef<HTMLOutputElement>(null);
  useEffect(() => {
    let raf = 0;
    const draw = () => {
      if (ref.current) ref.current.textContent = timecodeNow(timecode, performance.now()) ?? '--:--:--:--';
      if (timecode.state === 'running') raf = requestAnimationFrame(draw);
    };
    draw();
    return () => cancelAnimationFrame(raf);
  }, [timecode]);
  return (
    <output class="timecode-position" ref={ref} aria-label="timecode position">
      {timecodeNow(timecode, performance.now()) ?? '--:--:--:--'}
    </output>
  );
}

function Generator({ running, actions }: { running: boolean; actions: TimecodeActions }) {
  const [at, setAt] = useState('00:00:00:00');
  return (
    <div class="row">
      <button type="button" aria-pressed={running} onClick={() => actions.run(!running)}>
        {running ? 'Stop' : 'Run'}
      </button>
      <input
        type="text"
        aria-label="locate to"
        value={at}
        size={11}
        onInput={(e) => setAt(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && actions.locate(at)}
      />
      <button type="button" onClick={() => actions.locate(at)}>
        Locate
      </button>
    </div>
  );
}
