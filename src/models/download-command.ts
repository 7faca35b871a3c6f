/** `daydream-scope download`: fetch models from the command line, with a progress bar; returns the exit code. */
import { resolve } from 'node:path';
import { ModelManager } from './manager';
import { DECIMAL, formatBytes } from '../shared/bytes';
import { ProgressPrinter } from './terminal';
import type { StatFs } from './disk';
import type { RetryPolicy } from './retry';
import type { ModelManifest } from './manifest';
import type { ExportManifest } from './exports';
import type { ExportStatus } from '../shared/models';
import type { ModelStatus, ModelsStatus } from './status';
import type { TextOut } from './terminal';
import { downloadTarget, knownIds, whereItRuns } from './variants';
import { checkProviders } from '../runtime/graph/provider-ops';
import type { CheckProvider } from '../runtime/graph/provider-ops';
import { chooseExecutionProvider, probeFacts, resolveDeviceRequest } from '../runtime/providers';
import { commandArgs } from '../command-args';

export const DOWNLOAD_HELP = `Usage:
  daydream-scope download <model>... [--dir <folder>]   download a model's files (resumes a broken download)
  daydream-scope download --list [--dir <folder>]       list the models, their sizes, where each variant runs,
                                                        and what is here

A model exported for several providers (sd-turbo: webgpu, olive-cuda) is downloaded as the variant the device runs
whole, by the op-set tables of \`daydream-scope model check\`; \`sd-turbo@olive-cuda\` or --variant names one.

Options:
  --dir <folder>    models folder (default: DAYDREAM_SCOPE_MODELS_DIR, else ~/.daydream-scope/models)
  --list            list the models
  --variant <name>  the variant to download (webgpu, olive-cuda, ...)
  --device <X>      the device to choose the variant for: ${checkProviders.join(', ')} or auto (default:
                    DAYDREAM_SCOPE_DEVICE, else what this machine runs)

Environment:
  HF_TOKEN          Hugging Face token, for gated models (accept the licence on the model's page first)
  HF_ENDPOINT       a Hugging Face mirror (default https://huggingface.co)
`;

export interface DownloadCommandOptions {
  /** Every model the installed pipelines declare. */
  manifests: ModelManifest[];
  /** Files only an exporter makes (ControlNets): listed with their state and command. */
  exports?: ExportManifest[];
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  stdout?: TextOut;
  stderr?: TextOut;
  statfs?: StatFs;
  now?: () => number;
  /** How dropped transfers are retried (tests: short pauses). */
  retry?: Partial<RetryPolicy>;
  /** Where `--device auto` resolves to (tests; the default probes this machine as the server does). */
  autoProvider?: () => Promise<CheckProvider>;
}

/** Runs `daydream-scope download <args>`; 0 when every model asked for is here, 1 when one failed, 2 for usage. */
export async function runDownloadCommand(args: string[], options: DownloadCommandOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const parsed = commandArgs(
    'download',
    DOWNLOAD_HELP,
    args,
    {
      dir: { type: 'string' },
      list: { type: 'boolean' },
      variant: { type: 'string' },
      device: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    stderr,
  );
  if (!parsed) return 2;
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
    ...(options.exports ? { exports: options.exports } : {}),
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
    const status = await manager.status();
    stdout.write(listing(status.models, manager.list(), manager.dir) + exportListing(status.exports ?? []));
    return 0;
  }
  if (positionals.length === 0) {
    const ids = knownIds(manager.list());
    stderr.write(`daydream-scope download: name a model to download (known: ${ids})\n\n${DOWNLOAD_HELP}`);
    return 2;
  }
  let requested;
  try {
    requested = resolveDeviceRequest(values.device, options.env ?? process.env);
  } catch (err) {
    stderr.write(`daydream-scope download: ${(err as Error).message}\n`);
    return 2;
  }
  // The machine is probed only when a variant is to be chosen for it.
  const choosing = values.variant === undefined && positionals.some((n) => !manager.has(n));
  const provider: CheckProvider =
    requested !== 'auto' ? requested : choosing ? await (options.autoProvider ?? machineProvider)() : 'cpu';
  const targets = positionals.map((name) => {
    // An export has nothing to download: the sentence says what makes it.
    const exported = manager.notDownloadable(name);
    return exported ? { error: exported } : downloadTarget(manager.list(), name, { variant: values.variant, provider });
  });
  const errors = targets.flatMap((t) => ('error' in t ? [t.error] : []));
  if (errors.length > 0) {
    stderr.write(`daydream-scope download: ${errors.join('; ')}\n`);
    return 2;
  }
  const ids: string[] = [];
  for (const t of targets) {
    if ('error' in t) continue;
    ids.push(t.id);
    const m = manager.list().find((x) => x.id === t.id)!;
    if (t.chosen && m.variant) {
      stdout.write(`${m.variant.of}: the ${m.variant.name} variant for ${provider} (${whereItRuns(m.variant)})\n`);
    }
  }

  let failed = false;
  for (const id of ids) {
    const before = await manager.modelStatus(id);
    if (before.state === 'ready') {
      stdout.write(`${id} is already here (${size(before)} in ${manager.dir})\n`);
      continue;
    }
    const resume = before.progress.bytes > 0 ? `, resuming at ${formatBytes(before.progress.bytes, DECIMAL)}` : '';
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

async function machineProvider(): Promise<CheckProvider> {
  return chooseExecutionProvider('auto', await probeFacts()).provider;
}

function size(s: ModelStatus): string {
  if (s.progress.total === null) return 'size unknown';
  return `${s.files.some((f) => f.approximate) ? '≈' : ''}${formatBytes(s.progress.total, DECIMAL)}`;
}

function listing(models: ModelStatus[], manifests: ModelManifest[], dir: string): string {
  if (models.length === 0) return `No pipeline declares downloadable models.\n`;
  const rows = models.map((m) => {
    const here = m.state === 'partial' ? `partial, ${formatBytes(m.progress.bytes, DECIMAL)}` : m.state;
    return [m.id, m.pipeline, size(m), here, m.description];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 5));
  const line = (r: string[]) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ');
  const head = line(['model', 'pipeline', 'size', 'state', 'description']);
  // Under each variant: where its declared operators run, and whether its file list was seen.
  const lines = rows.map((r, i) => {
    const v = manifests.find((m) => m.id === models[i]!.id)?.variant;
    if (!v) return line(r);
    return `${line(r)}\n${' '.repeat(widths[0]! + 2)}runs: ${whereItRuns(v)}${v.verified ? '' : ' (unverified file list)'}`;
  });
  return `${head}\n${lines.join('\n')}\n\nModels folder: ${dir}\n`;
}

/** The exported files (ControlNets): not downloadable, so each with what is missing and the command that writes it. */
function exportListing(exports: ExportStatus[]): string {
  if (exports.length === 0) return '';
  const lines = exports.map((e) => {
    const state = e.state === 'ready' ? 'ready' : `missing ${e.missing.join(', ')}`;
    const make = e.state === 'ready' ? '' : `\n  make it: ${e.command}`;
    return `${e.id} (${e.of}, ${e.pipeline}): ${state}${make}\n  ${e.description}`;
  });
  return `\nExported, not downloadable (no ONNX export on the Hub; the exporter writes them):\n${lines.join('\n')}\n`;
}
