import { useRef, useState } from 'preact/hooks';
import { copyText } from '../copy';
import { usePanel } from '../context';
import { OutputSwitch } from './output-switch';
import { webrtcUrls } from '../services';
import type { OutputInfo } from '../services';

export interface OutputActions {
  enable(id: string, enabled: boolean): void;
  rename(id: string, name: string): void;
}

/** Where the picture goes: each output with its state, an on/off switch, and the addresses to give to OBS & co. */
export function OutputsCard({ outputs, actions }: { outputs: OutputInfo[]; actions: OutputActions }) {
  return (
    <ul class="outputs">
      {outputs.map((o) => (
        <OutputRow key={o.id} output={o} actions={actions} />
      ))}
    </ul>
  );
}

function OutputRow({ output: o, actions }: { output: OutputInfo; actions: OutputActions }) {
  const origin = typeof location === 'undefined' ? '' : location.origin;
  const web = o.kind === 'webrtc' ? webrtcUrls(o) : undefined;
  // Absolute URLs are shown as they are; paths get this page's origin, which is what another machine reaches.
  const full = (u: string) => (/^[a-z]+:\/\//i.test(u) || !u.startsWith('/') ? u : origin + u);
  const others = (o.urls ?? []).filter((u) => u !== web?.whep && u !== web?.page);
  return (
    <li data-output={o.id} class={o.available ? '' : 'unavailable'}>
      <div class="row">
        <strong>{o.name}</strong>
        <span class={`state state-${o.state}`}>{o.available ? o.state : 'unavailable'}</span>
        <OutputSwitch output={o} onEnable={(on) => actions.enable(o.id, on)} />
      </div>
      {!o.available && o.reason && <p class="dim">{o.reason}</p>}
      {o.available && o.enabled && (
        <p class="dim">
          {o.clients} {o.clients === 1 ? 'client' : 'clients'} · {o.fps.toFixed(0)} fps
          {o.dropped > 0 && ` · ${o.dropped} dropped`}
        </p>
      )}
      {o.link && o.enabled && <LinkLine link={o.link} />}
      {o.kind === 'ndi' && <NdiName output={o} onRename={(n) => actions.rename(o.id, n)} />}
      {web && <CopyUrl label="WHEP" url={full(web.whep)} />}
      {/* The player page plays the engine's frames: the conditioning WHEP has no page of its own. */}
      {web && o.source !== 'conditioning' && <CopyUrl label="OBS" url={full(web.page)} />}
      {o.kind !== 'ndi' && others.map((u) => <CopyUrl key={u} label={o.kind.toUpperCase()} url={full(u)} />)}
    </li>
  );
}

/** A pushing output's link: where it stands, what it sends, and the last problem while it is down. */
function LinkLine({ link }: { link: NonNullable<OutputInfo['link']> }) {
  const again =
    link.reconnects > 0 ? ` · ${link.reconnects} ${link.reconnects === 1 ? 'reconnect' : 'reconnects'}` : '';
  return (
    <p class={`dim link link-${link.state}`}>
      {link.state}
      {link.state === 'connected' && ` · ${link.bitrateKbps} kbit/s`}
      {again}
      {link.state !== 'connected' && link.problem && ` · ${link.problem}`}
    </p>
  );
}

function NdiName({ output, onRename }: { output: OutputInfo; onRename: (name: string) => void }) {
  const current = typeof output.options.name === 'string' ? output.options.name : output.name;
  const [draft, setDraftState] = useState<string | null>(null);
  // Escape then blur happen before a re-render; the blur handler reads the ref to see the edit was abandoned.
  const draftRef = useRef<string | null>(null);
  const setDraft = (text: string | null) => {
    draftRef.current = text;
    setDraftState(text);
  };
  return (
    <label class="field">
      <span class="dim">NDI name</span>
      <input
        type="text"
        aria-label="NDI name"
        value={draft ?? current}
        onInput={(e) => setDraft(e.currentTarget.value)}
        onBlur={() => {
          const text = draftRef.current?.trim();
          if (text && text !== current) onRename(text);
          setDraft(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') {
            setDraft(null);
            e.currentTarget.blur();
          }
        }}
      />
    </label>
  );
}

function CopyUrl({ label, url }: { label: string; url: string }) {
  const { notify } = usePanel();
  return (
    <div class="copy-url">
      <span class="dim">{label}</span>
      <code title={url}>{url}</code>
      <button
        type="button"
        aria-label={`copy ${label} URL`}
        onClick={() => void copyText(url).then((ok) => notify(ok ? `${label} URL copied` : `Could not copy: ${url}`))}
      >
        Copy
      </button>
    </div>
  );
}
