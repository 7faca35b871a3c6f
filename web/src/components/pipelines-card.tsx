import { usePanel } from '../context';
import type { PipelineInfo, PipelineStatus } from '../../../src/shared/api';
import type { ModelLine } from '../services';

interface Props {
  pipelines: PipelineInfo[];
  active: string | null;
  status: PipelineStatus | null;
  models: ModelLine[];
}

/** Every registered pipeline: what it is, a load button, and for the one loading or failing, how it is going. */
export function PipelinesCard({ pipelines, active, status, models }: Props) {
  const { client } = usePanel();
  const busy = status?.state === 'loading';
  return (
    <ul class="pipelines">
      {pipelines.map((p) => {
        const current = status?.pipelineId === p.id || (status === null && p.id === active);
        return (
          <li key={p.id} class={current ? 'current' : ''} data-pipeline={p.id}>
            <div class="row">
              <strong>{p.name}</strong>
              {current && status ? (
                <span class={`state state-${status.state}`}>{status.state}</span>
              ) : (
                <button type="button" disabled={busy} onClick={() => client.load(p.id)} aria-label={`load ${p.name}`}>
                  Load
                </button>
              )}
            </div>
            <p class="dim">{p.description}</p>
            {current && status && <LoadState status={status} />}
            {current && models.length > 0 && <Models lines={models} />}
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
  if (status.state === 'ready') return <span class="dim">on {status.executionProvider}</span>;
  return null;
}

function Models({ lines }: { lines: ModelLine[] }) {
  return (
    <ul class="models" aria-label="model files">
      {lines.map((l, i) => (
        <li key={`${l.label}-${i}`}>
          <span>{l.label}</span>
          <span class="bar small">
            <span style={{ width: `${Math.round((l.fraction ?? 0) * 100)}%` }} />
          </span>
          <span class="dim">{l.error ?? (l.fraction === null ? l.state : `${Math.round(l.fraction * 100)}%`)}</span>
        </li>
      ))}
    </ul>
  );
}
