/** `daydream-scope download`: fetch models from the command line, with a progress bar; returns the exit code. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelManager } from './manager';
import { formatBytes } from './progress';
import { ProgressPrinter } from './terminal';
import type { StatFs } from './disk';
import type { RetryPolicy } from './retry';
import type { ModelManifest } from './manifest';
import type { ModelStatus, ModelsStatus } from './status';
import type { TextOut } from './terminal';

export const DOWNLOAD_HELP = `Usage:
  daydream-scope download <model>... [--dir <folder>]   download a model's files (resumes a broken download)
  daydream-scope download --list [--dir <folder>]       list the models, their sizes and what is here

Options:
  --dir <folder>    models folder (default: DAYDREAM_SCOPE_MODELS_DIR, else ~/.daydream-scope/models)
  --list            list the models

Environment:
  HF_TOKEN          Hugging Face token, for gated models (accept the licence on the model's page first)
  HF_ENDPOINT       a Hugging Face mirror (default https://huggingface.co)
`;

export interface DownloadCommandOptions {
  /** Every model the installed pipelines declare. */
  manifests: ModelManifest[];
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  stdout?: TextOut;
  stderr?: TextOut;
  statfs?: StatFs;
  now?: () => number;
  /** How dropped transfers are retried (tests: short pauses). */
  retry?: Partial<RetryPolicy>;
}

/** Runs `daydream-scope download <args>`; 0 when every model asked for is here, 1 when one failed, 2 for usage. */
export async function runDownloadCommand(args: string[], options: DownloadCommandOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { dir: { type: 'string' }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    stderr.write(`daydream-scope download: ${(err as Error).message}\n\n${DOWNLOAD_HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    stdout.write(DOWNLOAD_HELP);
    return 0;
  }

  // Status events carry every model; the printer follows the one being downloaded.
  let following: string | null = null;
  const currentOf = (s: ModelsStatus) => s.models.find((m) => m.id === following);
  const printer = new ProgressPrinter(stdout);
  const manager = new ModelManager({
    manifests: options.manifests,
    ...(values.dir ? { dir: resolve(values.dir) } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.statfs ? { statfs: options.statfs } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    log: (m) => printer.log(m),
    logFailures: false,
    events: { emit: (_topic, data) => printer.update(currentOf(data)) },
  });
  if (values.list) {
    stdout.write(listing((await manager.status()).models, manager.dir));
    return 0;
  }
  if (positionals.length === 0) {
    const ids =
      manager
        .list()
        .map((m) => m.id)
        .join(', ') || '(none)';
    stderr.write(`daydream-scope download: name a model to download (known: ${ids})\n\n${DOWNLOAD_HELP}`);
    return 2;
  }
  const unknown = positionals.filter((id) => !manager.has(id));
  if (unknown.length > 0) {
    const ids =
      manager
        .list()
        .map((m) => m.id)
        .join(', ') || '(none)';
    stderr.write(`daydream-scope download: unknown model ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${ids}\n`);
    return 2;
  }

  let failed = false;
  for (const id of positionals) {
    const before = await manager.modelStatus(id);
    if (before.state === 'ready') {
      stdout.write(`${id} is already here (${size(before)} in ${manager.dir})\n`);
      continue;
    }
    const resume = before.progress.bytes > 0 ? `, resuming at ${formatBytes(before.progress.bytes)}` : '';
    stdout.write(`Downloading ${id} (${size(before)}${resume}) into ${manager.dir}\n`);
    following = id;
    printer.start(id);
    try {
      const after = await manager.download(id);
      printer.finish(after);
      stdout.write(
        `${id} is ready (${after.files.length} file${after.files.length === 1 ? '' : 's'}, ${size(after)})\n`,
      );
    } catch (err) {
      printer.finish();
      stderr.write(`daydream-scope download: ${(err as Error).message}\n`);
      failed = true;
    } finally {
      following = null;
    }
  }
  return failed ? 1 : 0;
}

function size(s: ModelStatus): string {
  if (s.progress.total === null) return 'size unknown';
  return `${s.files.some((f) => f.approximate) ? '≈' : ''}${formatBytes(s.progress.total)}`;
}

function listing(models: ModelStatus[], dir: string): string {
  if (models.length === 0) return `No pipeline declares downloadable models.\n`;
  const rows = models.map((m) => {
    const here = m.state === 'partial' ? `partial, ${formatBytes(m.progress.bytes)}` : m.state;
    return [m.id, m.pipeline, size(m), here, m.description];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 5));
  const line = (r: string[]) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ');
  const head = line(['model', 'pipeline', 'size', 'state', 'description']);
  return `${head}\n${rows.map(line).join('\n')}\n\nModels folder: ${dir}\n`;
}
