import { useState } from 'preact/hooks';
import type { PresetList } from '../services';

export interface PresetActions {
  save(name: string): void;
  recall(name: string): void;
  remove(name: string): void;
}

/** Named snapshots of the active pipeline's values: the first nine are also on the number keys. */
export function PresetsCard({ list, actions }: { list: PresetList; actions: PresetActions }) {
  const [name, setName] = useState('');
  const save = (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    actions.save(n);
    setName('');
  };
  return (
    <div class="presets">
      {list.presets.length === 0 && <p class="dim">No presets for this pipeline yet.</p>}
      <ol>
        {list.presets.map((p, i) => (
          <li key={p.name} data-preset={p.name}>
            <kbd aria-hidden="true">{i < 9 ? i + 1 : ''}</kbd>
            <button type="button" class="recall" onClick={() => actions.recall(p.name)} title={`Recall ${p.name}`}>
              {p.name}
            </button>
            <button
              type="button"
              class="icon"
              aria-label={`overwrite ${p.name}`}
              title="Save the current values into this preset"
              onClick={() => actions.save(p.name)}
            >
              ⤓
            </button>
            <button
              type="button"
              class="icon danger"
              aria-label={`delete ${p.name}`}
              title="Delete"
              onClick={() => actions.remove(p.name)}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <form class="save" onSubmit={save}>
        <input
          type="text"
          aria-label="new preset name"
          placeholder="preset name"
          maxLength={64}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" disabled={!name.trim()}>
          Save
        </button>
      </form>
    </div>
  );
}
