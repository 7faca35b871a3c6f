/**
 * The model manager: which manifests' files are on disk, downloads of them (one at a time per file, in this process
 * and across processes), and their progress for the CLI, the HTTP API and the panel.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { modelsDir } from '../files';
import { ensureSpace } from './disk';
import { DownloadError, hubConfig } from './hub';
import { acquireFileLock } from './lock';
import { artifactPath } from './manifest';
import { RateMeter, eta } from './progress';
import { DECIMAL, formatBytes } from '../shared/bytes';
import { describeMissing } from './status';
import { transferFile } from './transfer';
import { whereItRuns } from './variants';
import { exportStatus } from './exports';
import type { ExportManifest } from './exports';
import { retryDefaults, withRetries } from './retry';
import type { RetryPolicy } from './retry';
import type { StatFs } from './disk';
import type { LockOptions } from './lock';
import type { Artifact, ModelManifest } from './manifest';
import type { FileStatus, MissingModels, ModelState, ModelStatus, ModelsStatus } from './status';
import type { TransferResult } from './transfer';

export interface ModelManagerOptions {
  manifests: ModelManifest[];
  /** Models folder; default `modelsDir(env)`. */
  dir?: string;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
  /** Told `('models', ModelsStatus)` on every change, progress at most ~4 times a second. */
  events?: { emit(topic: 'models', data: ModelsStatus): void };
  /** Files only an exporter makes (ControlNets): listed with their state and command, never downloaded. */
  exports?: ExportManifest[];
  statfs?: StatFs;
  now?: () => number;
  lock?: LockOptions;
  /** Log a failed download (default true); the CLI prints the rejection itself instead. */
  logFailures?: boolean;
  /** How a dropped transfer is tried again before it fails (tests pass short pauses on ManualTimers). */
  retry?: Partial<RetryPolicy>;
}

interface Active {
  bytes: number;
  total: number | null;
  meter: RateMeter;
}

const EMIT_INTERVAL_MS = 250;
const LOCK_REFRESH_MS = 30_000;

export class ModelManager {
  readonly dir: string;
  private readonly o: Required<
    Omit<ModelManagerOptions, 'dir' | 'events' | 'statfs' | 'lock' | 'logFailures' | 'retry' | 'exports'>
  > &
    Pick<ModelManagerOptions, 'events' | 'statfs' | 'lock' | 'logFailures' | 'exports'>;
  private readonly retry: RetryPolicy;
  private readonly manifests = new Map<string, ModelManifest>();
  private readonly running = new Map<string, Promise<ModelStatus>>();
  private readonly transfers = new Map<string, Promise<TransferResult | null>>();
  private readonly active = new Map<string, Active>();
  private readonly errors = new Map<string, string>();
  private readonly learnedSizes = new Map<string, number>();
  private readonly stopping = new AbortController();
  private lastEmit = -Infinity;
  private emitting: Promise<void> = Promise.resolve();

  constructor(options: ModelManagerOptions) {
    const env = options.env ?? process.env;
    this.o = { fetch: globalThis.fetch, log: () => {}, now: Date.now, ...options, env };
    this.dir = options.dir ?? modelsDir(env);
    this.retry = { ...retryDefaults, ...options.retry } satisfies RetryPolicy;
    for (const m of options.manifests) {
      if (this.manifests.has(m.id)) throw new Error(`two model manifests have the id "${m.id}"`);
      this.manifests.set(m.id, m);
    }
  }

  /** The manifests, in the order given. */
  list(): ModelManifest[] {
    return [...this.manifests.values()];
  }

  has(id: string): boolean {
    return this.manifests.has(id);
  }

  /** Every model's files, state and progress. */
  async status(): Promise<ModelsStatus> {
    const models = await Promise.all(this.list().map((m) => this.modelStatus(m)));
    const exports = this.o.exports?.length ? { exports: await exportStatus(this.dir, this.o.exports) } : {};
    return { dir: this.dir, models, ...exports };
  }

  /** For the id of an export (a ControlNet): the sentence saying it is made, not downloaded, and by what; else null. */
  notDownloadable(id: string): string | null {
    const e = this.o.exports?.find((x) => x.id === id);
    return e ? `${id} is not downloadable (no ONNX export on the Hub): make it with \`${e.command(this.dir)}\`` : null;
  }

  /** One model's status; throws for an unknown id. */
  async modelStatus(manifestOrId: ModelManifest | string): Promise<ModelStatus> {
    const m = typeof manifestOrId === 'string' ? this.manifest(manifestOrId) : manifestOrId;
    const base = {
      id: m.id,
      pipeline: m.pipeline,
      description: m.description,
      ...(m.variant ? { runs: `${whereItRuns(m.variant)}${m.variant.verified ? '' : ' (unverified file list)'}` } : {}),
    };
    let files: FileStatus[];
    try {
      files = await Promise.all(m.artifacts.map((a) => this.fileStatus(a)));
    } catch (err) {
      const progress = { bytes: 0, total: null, rate: 0, eta: null };
      return { ...base, state: 'error', files: [], progress, error: `${m.id}: ${(err as Error).message}` };
    }
    const bytes = files.reduce((sum, f) => sum + f.present, 0);
    const total = files.every((f) => f.size !== null) ? files.reduce((sum, f) => sum + f.size!, 0) : null;
    const rate = m.artifacts.reduce((sum, a) => sum + (this.active.get(artifactPath(this.dir, a))?.meter.rate ?? 0), 0);
    const state: ModelState = this.running.has(m.id)
      ? 'downloading'
      : files.every((f) => f.state === 'ready')
        ? 'ready'
        : this.errors.has(m.id)
          ? 'error'
          : bytes > 0
            ? 'partial'
            : 'missing';
    return {
      ...base,
      state,
      files,
      progress: { bytes, total, rate, eta: state === 'downloading' ? eta(bytes, total, rate) : null },
      error: state === 'error' ? (this.errors.get(m.id) ?? null) : null,
    };
  }

  /**
   * Downloads a model's missing files. A second call while one runs joins it (same promise); resolves with the
   * final status, rejects with a DownloadError whose message says what to do.
   */
  download(id: string): Promise<ModelStatus> {
    const m = this.manifests.get(id);
    if (!m) return Promise.reject(this.unknown(id));
    const running = this.running.get(id);
    if (running) return running;
    const job = (async () => {
      try {
        await this.run(m);
      } catch (err) {
        this.errors.set(id, (err as Error).message);
        if (this.o.logFailures !== false) this.o.log(`${id}: ${(err as Error).message}`);
        throw err;
      } finally {
        this.running.delete(id);
        this.emitNow();
      }
      return this.modelStatus(m);
    })();
    this.running.set(id, job);
    return job;
  }

  /** Stops running downloads (their parts stay for a resume) and waits until they have let go of their files. */
  async close(): Promise<void> {
    this.stopping.abort(new Error('stopped: the server is shutting down'));
    await Promise.allSettled([...this.running.values()]);
    await this.emitting;
  }

  /**
   * What a pipeline lacks, with the sentence that tells how to get it: of the models named (a pipeline may need
   * several, e.g. a diffusion model and a tiny autoencoder), else of its first (default) manifest.
   */
  async missing(pipelineId: string, modelIds?: string | string[]): Promise<MissingModels> {
    const ids = typeof modelIds === 'string' ? [modelIds] : modelIds;
    const wanted = ids
      ? ids.map((id) => this.manifest(id))
      : this.list()
          .filter((m) => m.pipeline === pipelineId)
          .slice(0, 1);
    return describeMissing(pipelineId, await Promise.all(wanted.map((m) => this.modelStatus(m))));
  }

  private async run(m: ModelManifest): Promise<void> {
    const paths = m.artifacts.map((a) => this.path(m, a));
    this.errors.delete(m.id);
    this.emitNow();
    const todo: { artifact: Artifact; path: string }[] = [];
    let needed = 0;
    for (const [i, artifact] of m.artifacts.entries()) {
      const path = paths[i]!;
      if ((await sizeOf(path)) !== null) continue;
      todo.push({ artifact, path });
      const size = artifact.size ?? artifact.approxBytes;
      if (size !== undefined) needed += Math.max(0, size - ((await sizeOf(`${path}.incomplete`)) ?? 0));
    }
    await ensureSpace(this.dir, needed, m.id, this.o.statfs);
    const hub = hubConfig(this.o.env);
    for (const { artifact, path } of todo) await this.transfer(m, artifact, path, hub);
    if (todo.length > 0) this.o.log(`${m.id}: ready in ${this.dir}`);
  }

  /** One file, shared by every model (and every call) that needs it while it downloads. */
  private transfer(
    m: ModelManifest,
    a: Artifact,
    path: string,
    hub: ReturnType<typeof hubConfig>,
  ): Promise<TransferResult | null> {
    let job = this.transfers.get(path);
    if (!job) {
      job = this.transferLocked(m, a, path, hub).finally(() => this.transfers.delete(path));
      this.transfers.set(path, job);
    }
    return job;
  }

  private async transferLocked(
    m: ModelManifest,
    a: Artifact,
    path: string,
    hub: ReturnType<typeof hubConfig>,
  ): Promise<TransferResult | null> {
    await mkdir(dirname(path), { recursive: true });
    const lock = await acquireFileLock(`${path}.lock`, `${a.file} of ${a.repo}`, { now: this.o.now, ...this.o.lock });
    const active: Active = { bytes: 0, total: a.size ?? null, meter: new RateMeter(this.o.now) };
    try {
      // Another process may have finished the file while this one waited for the lock.
      if ((await sizeOf(path)) !== null) return null;
      this.active.set(path, active);
      let refreshed = this.o.now();
      const name = `${a.file} of ${a.repo}`;
      const transfer = () =>
        transferFile({
          artifact: a,
          dest: path,
          hub,
          fetch: this.o.fetch,
          log: this.o.log,
          resumeHint: `run "daydream-scope download ${m.id}" again`,
          signal: this.stopping.signal,
          checkSpace: (bytes) => ensureSpace(this.dir, bytes, `${a.file} of ${a.repo}`, this.o.statfs),
          onProgress: (bytes, total) => {
            active.bytes = bytes;
            active.total = total;
            if (total !== null) this.learnedSizes.set(path, total);
            active.meter.add(bytes);
            if (this.o.now() - refreshed > LOCK_REFRESH_MS) {
              refreshed = this.o.now();
              void lock.refresh();
            }
            this.emitThrottled();
          },
        });
      // A dropped connection is tried again from where it stopped; the progress goes on from the part on disk.
      const result = await withRetries(
        transfer,
        this.retry,
        (n, delay, err) => {
          const why = err.kind === 'network' ? 'the transfer broke off' : 'the Hub answered with a server error';
          const when = `${Math.round(delay / 100) / 10} s`;
          this.o.log(`${name}: ${why}; resuming in ${when} (try ${n + 1} of ${this.retry.attempts})`);
        },
        this.stopping.signal,
      );
      const resumed = result.resumedFrom > 0 ? `, resumed at ${formatBytes(result.resumedFrom, DECIMAL)}` : '';
      this.o.log(
        `${a.file} of ${a.repo}: ${formatBytes(result.bytes, DECIMAL)}, checked by ${result.verified}${resumed}`,
      );
      return result;
    } finally {
      this.active.delete(path);
      await lock.release();
    }
  }

  private async fileStatus(a: Artifact): Promise<FileStatus> {
    const path = artifactPath(this.dir, a);
    const base = { repo: a.repo, revision: a.revision, file: a.file, role: a.role };
    const known = a.size ?? this.learnedSizes.get(path) ?? null;
    const active = this.active.get(path);
    const full = active ? null : await sizeOf(path);
    const exact = known ?? active?.total ?? full;
    const sized = { size: exact ?? a.approxBytes ?? null, approximate: exact === null && a.approxBytes !== undefined };
    if (active) return { ...base, ...sized, present: active.bytes, state: 'downloading' };
    if (full !== null) return { ...base, ...sized, present: full, state: 'ready' };
    const part = (await sizeOf(`${path}.incomplete`)) ?? 0;
    return { ...base, ...sized, present: part, state: part > 0 ? 'partial' : 'missing' };
  }

  private path(m: ModelManifest, a: Artifact): string {
    try {
      return artifactPath(this.dir, a);
    } catch (err) {
      throw new DownloadError(
        'invalid',
        `model ${m.id} is declared with an ${(err as Error).message}; nothing was downloaded`,
      );
    }
  }

  private manifest(id: string): ModelManifest {
    const m = this.manifests.get(id);
    if (!m) throw this.unknown(id);
    return m;
  }

  private unknown(id: string): DownloadError {
    const refused = this.notDownloadable(id);
    if (refused) return new DownloadError('invalid', refused);
    const known =
      this.list()
        .map((m) => m.id)
        .join(', ') || '(none)';
    return new DownloadError('invalid', `unknown model "${id}"; known: ${known}`);
  }

  private emitThrottled(): void {
    if (this.o.now() - this.lastEmit >= EMIT_INTERVAL_MS) this.emitNow();
  }

  /** Status events go out in order: each waits for the one before, so a late progress never follows `ready`. */
  private emitNow(): void {
    this.lastEmit = this.o.now();
    const events = this.o.events;
    if (!events) return;
    this.emitting = this.emitting
      .then(() => this.status())
      .then(
        (s) => events.emit('models', s),
        (err: unknown) => this.o.log(`models status failed: ${(err as Error).message}`),
      );
  }
}

async function sizeOf(path: string): Promise<number | null> {
  return stat(path).then(
    (s) => s.size,
    () => null,
  );
}
