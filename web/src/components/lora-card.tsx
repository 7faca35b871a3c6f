import { useState } from 'preact/hooks';
import { DECIMAL, formatBytes } from '../../../src/shared/bytes';
import type { LoraInstall, LorasResponse } from '../../../src/shared/loras';

/** The LoRA slots a pipeline may have, in order: `lora`, `lora2`, `lora3`. */
export const LORA_SLOTS = ['lora', 'lora2', 'lora3'] as const;
export type LoraSlot = (typeof LORA_SLOTS)[number];

export interface LoraActions {
  /** Sets a slot's parameter (`none` for none). */
  use(slot: LoraSlot, name: string): void;
  /** Starts an install by URL; rejects with the server's sentence. Its progress comes with `list`. */
  install(url: string): Promise<unknown>;
  notify(message: string): void;
}

/**
 * The LoRA folder (`<models>/loras`): a picker per slot the pipeline has, the folder's files, and an install by URL
 * whose progress the server pushes (the `loras` event). Each slot's strength is a slider of the controls, from the
 * pipeline's schema like every parameter.
 */
export function LoraCard({
  list,
  values,
  actions,
}: {
  list: LorasResponse;
  /** The slots' current values, for the slots this pipeline has. */
  values: Partial<Record<LoraSlot, string>>;
  actions: LoraActions;
}) {
  const [url, setUrl] = useState('');
  const [sending, setSending] = useState(false);
  const names = list.loras.map((l) => l.name);
  const slots = LORA_SLOTS.filter((s) => values[s] !== undefined);

  const install = async (e: Event) => {
    e.preventDefault();
    if (!url.trim()) return;
    setSending(true);
    try {
      await actions.install(url.trim());
      setUrl('');
    } catch (err) {
      actions.notify((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <div class="loras">
      {slots.map((slot, i) => {
        const current = values[slot]!;
        // A value the list does not hold yet (the list not read yet) still shows as chosen.
        const options = ['none', ...names, ...(current !== 'none' && !names.includes(current) ? [current] : [])];
        return (
          <label key={slot} class="row">
            <span>slot {i + 1}</span>
            <select
              aria-label={`LoRA slot ${i + 1}`}
              data-slot={slot}
              value={current}
              onChange={(e) => actions.use(slot, e.currentTarget.value)}
            >
              {options.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        );
      })}
      <ul class="dim" aria-label="LoRA folder">
        {list.loras.length === 0 && <li>no LoRA in {list.dir} yet</li>}
        {list.loras.map((l) => (
          <li key={l.name} data-lora={l.name}>
            {l.name} · {formatBytes(l.bytes, DECIMAL)}
          </li>
        ))}
      </ul>
      <form class="row" onSubmit={(e) => void install(e)}>
        <input
          type="url"
          aria-label="LoRA URL"
          placeholder="https://…/name.safetensors"
          value={url}
          disabled={sending}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
        <button type="submit" disabled={sending || url.trim() === ''}>
          Install
        </button>
      </form>
      {list.installs.length > 0 && (
        <ul aria-label="LoRA installs">
          {list.installs.map((i) => (
            <InstallLine key={i.name} install={i} />
          ))}
        </ul>
      )}
    </div>
  );
}

function InstallLine({ install: i }: { install: LoraInstall }) {
  const pct = i.total ? Math.min(100, Math.round((i.bytes / i.total) * 100)) : null;
  return (
    <li data-install={i.name} data-state={i.state}>
      <span>{i.name}</span>{' '}
      {i.state === 'downloading' && (
        <>
          <span class="bar small" role="progressbar" aria-valuenow={pct ?? undefined}>
            <span style={{ width: pct === null ? '100%' : `${pct}%` }} class={pct === null ? 'indeterminate' : ''} />
          </span>
          <span class="dim">
            {' '}
            {formatBytes(i.bytes, DECIMAL)}
            {i.total !== null && ` of ${formatBytes(i.total, DECIMAL)}`}
            {i.eta !== null && ` · ${Math.ceil(i.eta)} s left`}
          </span>
        </>
      )}
      {i.state === 'ready' && <span class="dim">installed</span>}
      {i.state === 'error' && <span class="error">{i.error}</span>}
    </li>
  );
}
