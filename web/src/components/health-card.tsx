import { BINARY, formatBytes } from '../../../src/shared/bytes';
import type { PipelineStatus } from '../../../src/shared/api';
import type { MemoryStats } from '../../../src/shared/memory';

interface Props {
  status: PipelineStatus | null;
  memory: MemoryStats | null;
}

/** Memory in the units --memory-budget reads (binary); a dash where the platform does not say. */
export function bytes(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : formatBytes(n, BINARY);
}

/** The render watchdog's phase with its reason and the last transitions, then the memory monitor's figures. */
export function HealthCard({ status, memory }: Props) {
  const recent = status ? status.transitions.slice(-5).reverse() : [];
  return (
    <div class="health">
      {status && (
        <p data-testid="watchdog">
          <span class={`state phase-${status.phase}`}>{status.phase}</span> {status.reason}
        </p>
      )}
      {recent.length > 0 && (
        <ol class="transitions dim" aria-label="watchdog transitions">
          {recent.map((t) => (
            <li key={`${t.at}${t.to}`}>
              {t.at.slice(11, 19)} {t.from} → {t.to}: {t.reason}
            </li>
          ))}
        </ol>
      )}
      {memory && <MemoryLines memory={memory} />}
    </div>
  );
}

function MemoryLines({ memory: m }: { memory: MemoryStats }) {
  const over = m.budget !== null && m.total > m.budget * 0.9;
  return (
    <dl class="memory" aria-label="memory">
      <dt>memory</dt>
      <dd data-testid="memory-total" class={over ? 'warn' : undefined}>
        {bytes(m.total)}
        {m.budget !== null ? ` of ${bytes(m.budget)} budget` : ' (no budget)'}
        <span class="dim"> · server {bytes(m.server.rss)}</span>
      </dd>
      {m.pipelines.map((p) => (
        <dd key={p.id} data-memory-pipeline={p.id}>
          {p.id} <span class="dim">({p.role})</span> {bytes(p.rss)}
          {p.gpu !== null && <span> · GPU {bytes(p.gpu)}</span>}
          {p.keptTensors.count > 0 && <span class="dim"> · {bytes(p.keptTensors.bytes)} kept tensors</span>}
        </dd>
      ))}
      {m.gpu?.map((d, i) => (
        <dd key={`gpu${i}`}>
          {d.name}: {bytes(d.used)} of {bytes(d.total)}
        </dd>
      ))}
      {m.webgpu && (
        <dd>
          WebGPU {m.webgpu.adapter}
          {m.webgpu.deviceMemory !== null && ` · ${bytes(m.webgpu.deviceMemory)}`}
          {m.webgpu.maxStorageBuffer !== null && (
            <span class="dim"> · largest buffer {bytes(m.webgpu.maxStorageBuffer)}</span>
          )}
        </dd>
      )}
      <dd class="dim">
        system {bytes(m.system.free)} free of {bytes(m.system.total)}
      </dd>
    </dl>
  );
}
