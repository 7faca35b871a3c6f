import { useState } from 'preact/hooks';
import { LATENCY_SURFACES, MAX_OUTPUT_DELAY_BEATS, MAX_OUTPUT_DELAY_MS } from '../../../src/shared/latency';
import type { LatencyStats, OutputDelayBody } from '../../../src/shared/latency';

const NAMES: Record<(typeof LATENCY_SURFACES)[number], string> = {
  osc: 'OSC',
  midi: 'MIDI',
  dmx: 'DMX',
  ws: 'panel & WebSocket',
  mcp: 'MCP',
  http: 'HTTP',
};

/**
 * From a change on a surface to the first frame out with it (p50 / p95 over the last changes, only surfaces that
 * sent any), then the output delay that holds the picture back for the PA.
 */
export function LatencyLines({
  latency,
  delayMs,
  setDelay,
}: {
  latency: LatencyStats | undefined;
  delayMs: number;
  setDelay: (body: OutputDelayBody) => void;
}) {
  const measured = latency ? LATENCY_SURFACES.filter((s) => latency[s].count > 0) : [];
  return (
    <div class="latency">
      {measured.length === 0 ? (
        <p class="dim">Latency: no changes measured yet.</p>
      ) : (
        <dl aria-label="latency">
          <dt>change → picture</dt>
          {measured.map((s) => (
            <dd key={s} data-latency={s}>
              {NAMES[s]} {latency![s].p50.toFixed(0)} ms
              <span class="dim">
                {' '}
                · p95 {latency![s].p95.toFixed(0)} ms · {latency![s].count}
              </span>
            </dd>
          ))}
        </dl>
      )}
      <DelayField delayMs={delayMs} setDelay={setDelay} />
    </div>
  );
}

function DelayField({ delayMs, setDelay }: { delayMs: number; setDelay: (body: OutputDelayBody) => void }) {
  const [unit, setUnit] = useState<'ms' | 'beats'>('ms');
  const [text, setText] = useState('');
  const send = () => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) return;
    setDelay(unit === 'ms' ? { ms: n } : { beats: n });
    setText('');
  };
  const max = unit === 'ms' ? MAX_OUTPUT_DELAY_MS : MAX_OUTPUT_DELAY_BEATS;
  return (
    <div class="row" title="Holds every output back, to line the picture up with a PA that is late">
      <label>
        output delay
        <input
          type="number"
          min={0}
          max={max}
          aria-label="output delay"
          placeholder={String(Math.round(delayMs))}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Enter' && send()}
        />
      </label>
      <select aria-label="output delay unit" value={unit} onChange={(e) => setUnit(e.currentTarget.value as 'ms')}>
        <option value="ms">ms</option>
        <option value="beats">beats</option>
      </select>
      <button type="button" onClick={send}>
        Set
      </button>
      <span class="dim" data-testid="output-delay">
        {delayMs > 0 ? `${Math.round(delayMs)} ms now` : 'off'}
      </span>
    </div>
  );
}
