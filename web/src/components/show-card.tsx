import { useState } from 'preact/hooks';
import type { ShowActions, ShowOutcome } from '../show-actions';

/**
 * The whole show as one file: export downloads it; import sends a chosen file, which the server checks whole and
 * applies all or nothing. What it lacks (models, LoRAs, plugins) is listed, with a download where there is one.
 */
export function ShowCard({ actions }: { actions: ShowActions }) {
  const [outcome, setOutcome] = useState<ShowOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [asked, setAsked] = useState<string[]>([]);

  const choose = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setAsked([]);
    try {
      setOutcome(await actions.import(await file.text()));
    } finally {
      setBusy(false);
      // The same file can be chosen again (after a download) and still fire a change.
      input.value = '';
    }
  };
  const download = async (model: string) => {
    setAsked((a) => [...a, model]);
    await actions.download(model).catch((err: Error) => setOutcome({ kind: 'refused', message: err.message }));
  };

  return (
    <div class="show-file">
      <div class="row">
        <a class="button" href={actions.exportUrl} download="show.scope-show.json">
          Export show
        </a>
        <label class="button">
          {busy ? 'Importing…' : 'Import show…'}
          <input type="file" accept=".json,application/json" aria-label="import show file" hidden onChange={choose} />
        </label>
      </div>
      {outcome?.kind === 'imported' && (
        <div role="status">
          <p>Show imported: {outcome.report.applied.join(', ')}.</p>
          {outcome.report.notes.length > 0 && (
            <ul class="dim">
              {outcome.report.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {outcome?.kind === 'refused' && (
        <p role="alert" class="danger">
          {outcome.message}
        </p>
      )}
      {outcome?.kind === 'missing' && (
        <div role="alert">
          <p>Not imported; nothing changed. The show needs:</p>
          <ul class="missing">
            {outcome.missing.map((m) => (
              <li key={`${m.kind}:${m.name}`} data-missing={m.name}>
                <strong>
                  {m.kind} {m.name}
                </strong>{' '}
                <span class="dim">{m.reason}</span>
                {m.download && (
                  <button type="button" disabled={asked.includes(m.name)} onClick={() => void download(m.name)}>
                    {asked.includes(m.name) ? 'Downloading…' : 'Download'}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {outcome.missing.some((m) => m.download) && (
            <p class="dim">Import the file again once the downloads are done.</p>
          )}
        </div>
      )}
    </div>
  );
}
