import { useState } from 'preact/hooks';
import type { DmxListenerStatus, DmxMapping, DmxStatus } from '../../../src/shared/dmx';
import type { DmxActions } from '../dmx-actions';
import { OutputSwitch } from './output-switch';
import type { OutputActions } from './outputs-card';
import type { OutputInfo } from '../services';

interface Props {
  dmx: DmxStatus;
  /** The DMX outputs (parameters and pixel mapping out), from the output list. */
  outputs: OutputInfo[];
  /** Parameters a channel can drive (numbers, ints, switches, choices, triggers). */
  params: string[];
  actions: DmxActions;
  outputActions: OutputActions;
}

/** "Art-Net 0 · ch 1" or "sACN 1 · ch 1+2" (a 16-bit pair): where a mapping reads, as a lighting desk counts. */
export function describeChannel(m: Pick<DmxMapping, 'protocol' | 'universe' | 'channel' | 'fine'>): string {
  const protocol = m.protocol === 'artnet' ? 'Art-Net' : 'sACN';
  return `${protocol} ${m.universe} · ch ${m.channel}${m.fine === null ? '' : `+${m.fine}`}`;
}

/**
 * DMX as a lighting desk sees it: the Art-Net and sACN listeners, the channel -> parameter mappings with learn and
 * remove (as the MIDI learn of each control works), and the DMX outputs with their switch.
 */
export function DmxCard({ dmx, outputs, params, actions, outputActions }: Props) {
  const listening = dmx.artnet.enabled || dmx.sacn.enabled;
  return (
    <div class="dmx">
      <ul class="dmx-listeners">
        <ListenerLine name="Art-Net" status={dmx.artnet} />
        <ListenerLine name="sACN" status={dmx.sacn} />
      </ul>
      {dmx.saveError && <p class="warn">{dmx.saveError}</p>}
      {dmx.mappings.length === 0 ? (
        <p class="dim">No mappings yet.</p>
      ) : (
        <ul class="dmx-mappings" aria-label="DMX mappings">
          {dmx.mappings.map((m) => (
            <li key={m.id} data-mapping={m.id}>
              <strong>{m.param}</strong> <span>← {describeChannel(m)}</span>
              {m.invert && <span class="dim"> · inverted</span>}
              {m.curve !== 'linear' && <span class="dim"> · {m.curve}</span>}
              <button
                type="button"
                class="danger"
                aria-label={`remove ${m.param}`}
                onClick={() => actions.remove(m.id)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {listening && <Learn dmx={dmx} params={params} actions={actions} />}
      {outputs.map((o) => (
        <div key={o.id} class="row" data-output={o.id}>
          <span>
            {o.name} <span class={`state state-${o.state}`}>{o.available ? o.state : 'unavailable'}</span>
          </span>
          <OutputSwitch output={o} onEnable={(on) => outputActions.enable(o.id, on)} />
        </div>
      ))}
    </div>
  );
}

function ListenerLine({ name, status: s }: { name: string; status: DmxListenerStatus }) {
  return (
    <li data-listener={name}>
      {name}{' '}
      {s.enabled ? (
        <span>
          on {s.host}:{s.port} <span class="dim">· {s.received} packets</span>
        </span>
      ) : (
        <span class="dim">{s.reason ?? 'off'}</span>
      )}
    </li>
  );
}

function Learn({ dmx, params, actions }: { dmx: DmxStatus; params: string[]; actions: DmxActions }) {
  const [param, setParam] = useState('');
  const [bits, setBits] = useState<8 | 16>(8);
  const chosen = params.includes(param) ? param : (params[0] ?? '');
  if (dmx.learning) {
    return (
      <div class="row">
        <span>
          Move a channel on the desk for <strong>{dmx.learning.param}</strong>
          {dmx.learning.bits === 16 && ' (coarse, then fine)'}
        </span>
        <button type="button" class="midi learning" aria-pressed="true" onClick={() => actions.cancelLearn()}>
          Learning…
        </button>
      </div>
    );
  }
  return (
    <div class="row">
      <select aria-label="parameter to learn" value={chosen} onChange={(e) => setParam(e.currentTarget.value)}>
        {params.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      <select aria-label="bits" value={String(bits)} onChange={(e) => setBits(e.currentTarget.value === '16' ? 16 : 8)}>
        <option value="8">8-bit</option>
        <option value="16">16-bit</option>
      </select>
      <button
        type="button"
        class="midi"
        disabled={chosen === ''}
        title="DMX learn: click, then move a channel on the desk"
        onClick={() => actions.learn(chosen, bits)}
      >
        Learn
      </button>
    </div>
  );
}
