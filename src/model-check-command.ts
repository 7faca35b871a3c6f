/**
 * `daydream-scope model check <file.onnx> [--device X] [--no-lowering]`: the op-set check of the load preflight,
 * for any file a user brings. Prints each operator's fate on the provider and exits 1 when the file cannot run
 * there (2 for a usage error), so a script can ask before it downloads or loads anything else.
 */
import { checkModelFile, fallbackSentence, float32Sentence, refusalSentence } from './runtime/graph/opset-check';
import type { OpsetReport } from './runtime/graph/opset-check';
import { checkProviders } from './runtime/graph/provider-ops';
import type { CheckProvider } from './runtime/graph/provider-ops';
import { chooseExecutionProvider, probeFacts, resolveDeviceRequest } from './runtime/providers';
import type { DeviceRequest } from './runtime/providers';
import { commandArgs } from './command-args';

export const MODEL_HELP = `Usage:
  daydream-scope model check <file.onnx> [--device X] [--no-lowering]

Prints each operator of the graph with its fate on the execution provider: runs, lowered (rewritten at load into
operators it runs), cpu-fallback (runs on the CPU provider), unchecked (no table for it) or refused. Exits 1 when
the file cannot run there. External weights are not read.

Options:
  --device X       ${checkProviders.join(', ')}, or auto (default: DAYDREAM_SCOPE_DEVICE, else what this machine runs)
  --no-lowering    report as if lowering at load were off
`;

export interface TextOut {
  write(text: string): unknown;
}

export interface ModelCommandOptions {
  stdout?: TextOut;
  stderr?: TextOut;
  env?: NodeJS.ProcessEnv;
  /** Where `auto` resolves to (tests; the default probes this machine as the server does). */
  autoProvider?: () => Promise<CheckProvider>;
}

export async function runModelCommand(args: string[], options: ModelCommandOptions = {}): Promise<number> {
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  const parsed = commandArgs(
    'model',
    MODEL_HELP,
    args,
    {
      device: { type: 'string' },
      'no-lowering': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    err,
  );
  if (!parsed) return 2;
  const [sub, file, ...extra] = parsed.positionals;
  if (parsed.values.help) return (void out.write(MODEL_HELP), 0);
  if (sub !== 'check' || !file || extra.length > 0) {
    err.write(
      `${sub && sub !== 'check' ? `unknown model command "${sub}"` : 'model check needs one .onnx file'}\n\n${MODEL_HELP}`,
    );
    return 2;
  }
  let requested: DeviceRequest;
  try {
    requested = resolveDeviceRequest(parsed.values.device, options.env ?? process.env);
  } catch (e) {
    err.write(`${(e as Error).message}\n`);
    return 2;
  }
  const provider = requested === 'auto' ? await (options.autoProvider ?? machineProvider)() : requested;
  let report: OpsetReport;
  try {
    report = await checkModelFile(file, provider, { lowering: !parsed.values['no-lowering'] });
  } catch (e) {
    err.write(`${file}: ${(e as Error).message}\n`);
    return 1;
  }
  out.write(formatReport(report));
  const refusal = refusalSentence(report);
  if (refusal) {
    err.write(`${refusal}\n`);
    return 1;
  }
  const fallback = fallbackSentence(report);
  if (fallback) out.write(`${fallback}\n`);
  const float32 = float32Sentence(report);
  if (float32) out.write(`${float32}\n`);
  return 0;
}

async function machineProvider(): Promise<CheckProvider> {
  return chooseExecutionProvider('auto', await probeFacts()).provider;
}

/** One line per operator: fate, domain and op, opset, count, and what it becomes or why. */
export function formatReport(report: OpsetReport): string {
  const lines = [`${report.file ?? 'model'} on ${report.provider} (table: ${report.source})`];
  const key = (o: OpsetReport['ops'][number]) => `${o.domain} ${o.op} ${o.form}`;
  const perOp = new Map<string, number>();
  for (const o of report.ops) perOp.set(key(o), (perOp.get(key(o)) ?? 0) + 1);
  for (const o of report.ops) {
    // An op met at two element types gets a line per type, each named with its type.
    const type = (perOp.get(key(o)) ?? 0) > 1 ? ` [${o.types[0] ?? 'type unknown'}]` : '';
    const name = `${o.domain || 'ai.onnx'} ${o.op}${o.form ? ` (${o.form})` : ''}${type}`;
    lines.push(
      `  ${o.fate.padEnd(12)} ${name.padEnd(46)} opset ${String(o.opset).padEnd(3)} ×${o.count}${o.detail ? `  ${o.detail}` : ''}`,
    );
  }
  const n = (f: string) => report.ops.filter((o) => o.fate === f).length;
  lines.push(
    `${report.runs ? 'Runs' : 'Cannot run'} on ${report.provider}: ${n('runs')} run, ${n('lowered')} lowered, ${n('cpu-fallback')} on the CPU, ${n('unchecked')} not checked, ${n('refused')} refused.`,
  );
  return `${lines.join('\n')}\n`;
}
