import { usePanel } from '../context';
import type { PipelineInfo, PipelineStatus } from '../../../src/shared/api';
import type { ModelLine } from '../services';

interface Props {
  pipelines: PipelineInfo[];
  active: string | null;
  status: PipelineStatus | null;
  models: ModelLine[];
  download: (model: string) => void;
}

/**
 * Every registered pipeline: what it is, a load button, and for the one loading or failing, how it is going. One
 * that cannot load here (its files missing) is greyed out with the reason and the command that fixes it; one whose
 * last load failed after its preflight says so, while the pipeline before it goes on.
 */
export function PipelinesCard({ pipelines, active, status, models, download }: Props) {
  const { client } = usePanel();
  const busy = status?.state === 'loading';
  return (
    <ul class="pipelines">
      {pipelines.map((p) => {
        const current = status?.pipelineId === p.id || (status === null && p.id === active);
        // Lists from an older server have no `loadable`: those pipelines are taken as loadable.
        const refused = current || p.loadable?.ok !== false ? null : p.loadable;
        const failed = status?.lastLoadError?.pipelineId === p.id ? status.lastLoadError : null;
        return (
          <li
            key={p.id}
            class={[current && 'current', refused && 'unavailable'].filter(Boolean).join(' ')}
            data-pipeline={p.id}
          >
            <div class="row">
              <strong>{p.name}</strong>
              {current && status ? (
                <span class={`state state-${status.state}`}>{status.state}</span>
              ) : (
                <button
                  type="button"
                  disabled={busy || refused !== null}
                  title={refused?.reason ?? undefined}
                  onClick={() => client.load(p.id)}
                  aria-label={`load ${p.name}`}
                >
                  Load
                </button>
              )}
            </div>
            <p class="dim">{p.description}</p>
            {refused && (
              <p class="reason" data-reason="cannot-load">
                Cannot load here: {refused.reason}
                {refused.fix && (
                  <>
                    {' '}
                    Fix: <code>{refused.fix}</code>
                  </>
                )}
              </p>
            )}
            {failed && !current && (
              <p class="error" role="alert" data-reason="load-failed">
                Could not load ({failed.phase}): {failed.message}; {status?.pipelineId ?? 'the pipeline before'} went on
              </p>
            )}
            {current && status && <LoadState status={status} />}
            {current &&
              status?.warnings?.map((w) => (
                // Nodes on the CPU provider, or what it could not do live: it runs on, so a warning, not an error.
                <p key={w} class="warn" role="alert" data-reason="pipeline-warning">
                  {w}
                </p>
              ))}
            <Models lines={models.filter((m) => m.pipeline === p.id)} download={download} />
          </li>
        );
      })}
    </ul>
  );
}

function LoadState({ status }: { status: PipelineStatus }) {
  if (status.state === 'loading') {
    const pct = status.progress === null ? null : Math.round(status.progress * 100);
    return (
      <div class="load">
        <div class="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
          <span style={{ width: pct === null ? '100%' : `${pct}%` }} class={pct === null ? 'indeterminate' : ''} />
        </div>
        <span class="dim">
          {status.stage ?? 'loading'}
          {pct !== null && ` · ${pct}%`}
        </span>
      </div>
    );
  }
  if (status.error) {
    const retry = status.retryInMs === null ? '' : `; retrying in ${Math.ceil(status.retryInMs / 1000)} s`;
    return (
      <p class="error" role="alert">
        {status.error.during === 'load' ? 'Could not load' : 'Rendering failed'}: {status.error.message}
        {status.error.consecutive > 1 && ` (${status.error.consecutive} times in a row)`}
        {retry}
      </p>
    );
  }
  if (status.state === 'ready') {
    // The reason says why this provider (and, for auto, why not a faster one): the first thing to read when a
    // pipeline is slower than expected.
    const reason = status.executionProviderReason;
    return (
      <span class="dim" data-device={status.executionProvider} title={reason ?? undefined}>
        on {status.executionProvider}
        {reason && <small class="device-reason"> — {reason}</small>}
      </span>
    );
  }
  return null;
}

/** The model files a pipeline needs: size, state, a Download button, progress while it runs. */
function Models({ lines, download }: { lines: ModelLine[]; download: (model: string) => void }) {
  if (lines.length === 0) return null;
  return (
    <ul class="models" aria-label="model files">
      {lines.map((l) => (
        <li key={l.id} data-model={l.id}>
          <span>{l.id}</span>
          <span class="dim">{l.size}</span>
          {l.fraction !== null && (
            <span class="bar small" role="progressbar" aria-valuenow={Math.round(l.fraction * 100)}>
              <span style={{ width: `${Math.round(l.fraction * 100)}%` }} />
            </span>
          )}
          {l.exported ? (
            // Not downloadable: the exporter writes it; the command is what a user copies.
            <ExportState line={l} exported={l.exported} />
          ) : l.state === 'ready' ? (
            <span class="dim">ready</span>
          ) : l.state === 'downloading' ? (
            <span class="dim">{l.fraction === null ? 'downloading' : `${Math.round(l.fraction * 100)}%`}</span>
          ) : (
            <button type="button" onClick={() => download(l.id)} aria-label={`download ${l.id}`}>
              {l.state === 'partial' ? 'Resume' : l.state === 'error' ? 'Retry' : 'Download'}
            </button>
          )}
          {l.runs && <span class="dim runs">runs {l.runs}</span>}
          {l.error && <span class="error">{l.error}</span>}
        </li>
      ))}
    </ul>
  );
}

function ExportState({ line, exported }: { line: ModelLine; exported: NonNullable<ModelLine['exported']> }) {
  if (line.state === 'ready') return <span class="dim">ready (for {exported.of})</span>;
  return (
    <span class="reason" data-reason="not-exported">
      missing for {exported.of} ({exported.missing.join(', ')}): make it with <code>{exported.command}</code>
    </span>
  );
}
