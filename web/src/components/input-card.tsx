import { useEffect, useState } from 'preact/hooks';
import { apiPaths, apiUrl } from '../../../src/shared/api-paths';
import { fitModes } from '../../../src/shared/inputs';
import { PublishButtons } from './publish-buttons';
import type { InputDevices, InputInfo, InputSelection } from '../../../src/shared/inputs';

export type Fit = (typeof fitModes)[number];

export interface InputActions {
  select(source: string | null): void;
  fit(fit: Fit): void;
  add(spec: Record<string, unknown>): void;
  remove(id: string): void;
  restart(id: string): void;
  options(id: string, options: Record<string, unknown>): void;
  /** GET /api/v1/input/devices: cameras and NDI senders to suggest. */
  devices(): Promise<InputDevices>;
  failed(message: string): void;
}

/** Where the picture comes from: a live preview, the sources with their state, the choice, and adding more. */
export function InputCard(props: { inputs: InputInfo[]; selection: InputSelection | null; actions: InputActions }) {
  const { inputs, selection, actions } = props;
  const active = inputs.find((i) => i.active);
  return (
    <div class="input-card">
      <div class="row">
        <InputPreview input={active} />
        <label class="field fit">
          <span class="dim">Fit</span>
          <select
            aria-label="input fit"
            value={selection?.fit ?? 'cover'}
            onChange={(e) => actions.fit(e.currentTarget.value as Fit)}
          >
            {fitModes.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
      </div>
      <PublishButtons select={actions.select} failed={actions.failed} />
      <ul class="inputs">
        <li class={selection?.source ? '' : 'current'}>
          <div class="row">
            <button type="button" class="use" aria-pressed={!selection?.source} onClick={() => actions.select(null)}>
              None
            </button>
            <span class="dim">pipelines render without input</span>
          </div>
        </li>
        {inputs.map((i) => (
          <InputRow key={i.id} input={i} actions={actions} />
        ))}
      </ul>
      <AddInput actions={actions} />
    </div>
  );
}

const STATE_CLASS: Record<string, string> = { live: 'running', waiting: 'starting', lost: 'error', error: 'error' };

function InputRow({ input: i, actions }: { input: InputInfo; actions: InputActions }) {
  return (
    <li data-input={i.id} class={`${i.available ? '' : 'unavailable'} ${i.active ? 'current' : ''}`}>
      <div class="row">
        <button
          type="button"
          class="use"
          aria-pressed={i.active}
          aria-label={`use ${i.name}`}
          disabled={!i.available}
          title={i.available ? '' : i.reason}
          onClick={() => actions.select(i.id)}
        >
          {i.name}
        </button>
        <span class={`state state-${STATE_CLASS[i.state] ?? i.state}`}>{i.state}</span>
        <span class="spacer" />
        {i.available && (i.kind === 'file' || i.kind === 'camera' || i.kind === 'ndi') && (
          <button type="button" class="icon" aria-label={`restart ${i.name}`} onClick={() => actions.restart(i.id)}>
            ↻
          </button>
        )}
        {i.removable && (
          <button
            type="button"
            class="icon danger"
            aria-label={`remove ${i.name}`}
            onClick={() => actions.remove(i.id)}
          >
            ×
          </button>
        )}
      </div>
      {i.width > 0 && (
        <p class="dim">
          {i.width}×{i.height} · {i.fps} fps{i.detail ? ` · ${i.detail}` : ''}
        </p>
      )}
      {i.reason && <p class="dim">{i.reason}</p>}
      {i.kind === 'file' && <FileOptions input={i} actions={actions} />}
      {i.kind === 'feedback' && i.active && <FeedbackOptions input={i} actions={actions} />}
    </li>
  );
}

function FileOptions({ input, actions }: { input: InputInfo; actions: InputActions }) {
  const speed = Number(input.options.speed ?? 1);
  return (
    <div class="row small">
      <label class="field">
        <input
          type="checkbox"
          aria-label={`loop ${input.name}`}
          checked={input.options.loop === true}
          onChange={(e) => actions.options(input.id, { loop: e.currentTarget.checked })}
        />
        <span class="dim">loop</span>
      </label>
      <label class="field">
        <span class="dim">speed</span>
        <select
          aria-label={`speed of ${input.name}`}
          value={String(speed)}
          onChange={(e) => actions.options(input.id, { speed: Number(e.currentTarget.value) })}
        >
          {[0.25, 0.5, 1, 1.5, 2, 4].map((s) => (
            <option key={s} value={String(s)}>
              {s}×
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

const FEEDBACK = [
  { key: 'zoom', label: 'Zoom', min: 0.9, max: 1.1, step: 0.002 },
  { key: 'rotate', label: 'Rotate', min: -5, max: 5, step: 0.1 },
  { key: 'decay', label: 'Decay', min: 0.5, max: 1, step: 0.005 },
] as const;

function FeedbackOptions({ input, actions }: { input: InputInfo; actions: InputActions }) {
  return (
    <div class="feedback">
      {FEEDBACK.map((f) => (
        <label key={f.key} class="field">
          <span class="dim">{f.label}</span>
          <input
            type="range"
            aria-label={`feedback ${f.key}`}
            min={f.min}
            max={f.max}
            step={f.step}
            value={Number(input.options[f.key] ?? 0)}
            onChange={(e) => actions.options(input.id, { [f.key]: Number(e.currentTarget.value) })}
          />
          <code>{Number(input.options[f.key] ?? 0).toFixed(3)}</code>
        </label>
      ))}
    </div>
  );
}

/** The active input's newest frame, refreshed a few times a second while it has one. */
function InputPreview({ input }: { input: InputInfo | undefined }) {
  const [tick, setTick] = useState(0);
  const [broken, setBroken] = useState(false);
  const showing = input !== undefined && input.frames > 0;
  useEffect(() => {
    if (!showing) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), 300);
    return () => clearInterval(timer);
  }, [showing, input?.id]);
  if (!input || !showing)
    return <div class="input-preview empty">{input ? (input.reason ?? 'no frame yet') : 'no input'}</div>;
  return (
    <img
      class="input-preview"
      alt={`preview of ${input.name}`}
      src={`${apiUrl(apiPaths.inputPreview, { id: input.id })}?n=${tick}`}
      style={broken ? { visibility: 'hidden' } : undefined}
      onLoad={() => setBroken(false)}
      onError={() => setBroken(true)}
    />
  );
}

const PLACEHOLDER = { file: '/path/to/clip.mp4', camera: '/dev/video0', ndi: 'NDI sender name' } as const;

/** Adds a file, a camera or an NDI sender; cameras and senders on offer are suggested. */
function AddInput({ actions }: { actions: InputActions }) {
  const [kind, setKind] = useState<'file' | 'camera' | 'ndi'>('file');
  const [text, setText] = useState('');
  const [found, setFound] = useState<string[]>([]);
  useEffect(() => {
    if (kind === 'file') return setFound([]);
    let live = true;
    actions
      .devices()
      .then((d) => {
        const list = kind === 'camera' ? d.cameras.map((c) => c.device) : 'names' in d.ndi ? d.ndi.names : [];
        if (live) setFound(list);
      })
      .catch(() => live && setFound([]));
    return () => {
      live = false;
    };
  }, [kind]);
  const add = () => {
    const value = text.trim();
    if (!value) return;
    actions.add(
      kind === 'file' ? { kind, path: value } : kind === 'camera' ? { kind, device: value } : { kind, name: value },
    );
    setText('');
  };
  return (
    <form
      class="add-input"
      onSubmit={(e) => {
        e.preventDefault();
        add();
      }}
    >
      <select aria-label="kind of input" value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
        <option value="file">File</option>
        <option value="camera">Camera</option>
        <option value="ndi">NDI</option>
      </select>
      <input
        type="text"
        aria-label="input to add"
        list="input-suggestions"
        placeholder={PLACEHOLDER[kind]}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <datalist id="input-suggestions">
        {found.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <button type="submit" disabled={text.trim() === ''}>
        Add
      </button>
    </form>
  );
}
