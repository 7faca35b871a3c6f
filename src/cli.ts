/** The `daydream-scope` command: serve (the default), pipelines, download. The only place that sets exit codes. */
import { parseArgs } from 'node:util';
import { bannerLines } from './banner';
import { flagsHelp, optionsFromFlags, parseArgsOptions } from './flags';
import { runUntilSignal, scopeDefaults, startScope } from './main';
import { ensurePanelBuilt } from './panel-build';
import { jsonLine, logFor } from './log-lines';
import { PipelineRegistry, commonParams } from './engine/registry';
import { paramJsonSchema } from './params/json-schema';
import { runDownloadCommand } from './models';
import { runModelCommand } from './model-check-command';
import { loadPlugins } from './plugins/index';
import type { ParamSpec } from './params/spec';
import { modelExports, modelManifests } from '../pipelines/index';
import { runMcpCommand } from './mcp-command';
import { runShowCommand } from './show-command';
import { runCudaCoreCommand } from './cuda-core/command';

const USAGE = `daydream-scope — live generative video server

Usage:
  daydream-scope [serve] [options]     start the server (default command)
  daydream-scope pipelines [--json]    list pipelines (with plugins: --plugin <path>, installed ones) and parameters
  daydream-scope download <model>...   download a model's files (--list shows them, --dir <folder> elsewhere)
  daydream-scope model check <file>    can this ONNX file run on the provider? (--device X; exit 1 when not)
  daydream-scope cuda-core             assemble onnxruntime with CUDA providers from npm (split: pieces to carry)
  daydream-scope mcp [--url <url>]     MCP over stdio for agents, relayed to a server's /mcp (--start: start one)
  daydream-scope show export <file>    a running server's show to a .scope-show.json file (--url, --token)
  daydream-scope show import <file>    a show file into a running server: checked, then all or nothing
  daydream-scope --help | --version

Options:
`;

/** `--help`: the usage and one line per flag of the table. */
export const helpText = () => `${USAGE}${flagsHelp()}\n`;

/** Entry point of the `daydream-scope` command. */
export async function main(argv: string[]): Promise<void> {
  // `download` has flags of its own (--dir, --list) that the server's strict parser would refuse.
  if (argv[0] === 'download') {
    process.exitCode = await runDownloadCommand(argv.slice(1), { manifests: modelManifests, exports: modelExports });
    return;
  }
  if (argv[0] === 'cuda-core') {
    process.exitCode = await runCudaCoreCommand(argv.slice(1));
    return;
  }
  if (argv[0] === 'model') {
    process.exitCode = await runModelCommand(argv.slice(1));
    return;
  }
  // `mcp` has flags of its own (--url, --start) and ends the process itself: stdin closed means the agent left.
  if (argv[0] === 'mcp') process.exit(await runMcpCommand(argv.slice(1)));
  if (argv[0] === 'show') {
    process.exitCode = await runShowCommand(argv.slice(1));
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...parseArgsOptions(),
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${helpText()}`);
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'serve';
  if (values.help) return void process.stdout.write(helpText());
  if (values.version) {
    return void console.log((await import('../package.json', { with: { type: 'json' } })).default.version);
  }
  if (command !== 'serve' && command !== 'pipelines') return fail(`unknown command "${command}"\n\n${helpText()}`);

  const flags = optionsFromFlags(values);
  if (!flags.ok) return fail(`${flags.message}\n\nRun daydream-scope --help for the options.`);
  const o = { ...scopeDefaults, ...flags.options };
  if (command === 'pipelines') return listPipelines(o, values.json === true);
  const log = logFor(o.logFormat);
  try {
    // The panel is built on the first start (and when its sources changed); a failed build serves a placeholder.
    // A headless node serves no one at a screen, so it builds nothing.
    if (!o.headless) await ensurePanelBuilt({ log });
    const scope = await startScope({ ...flags.options, log });
    for (const line of bannerLines(scope, o)) log(line);
    await runUntilSignal(scope);
  } catch (err) {
    if (o.logFormat === 'json') {
      process.stderr.write(jsonLine((err as Error).message, 'error'));
      process.exitCode = 1;
    } else fail((err as Error).message);
  }
}

/** The pipelines the server would offer with these options: built-ins and the plugins it would load. */
async function listPipelines(o: typeof scopeDefaults, json: boolean): Promise<void> {
  const registry = new PipelineRegistry(o.pipelines);
  const { version } = (await import('../package.json', { with: { type: 'json' } })).default;
  // A plugin that does not load is said on stderr, as the server would log it; stdout stays the list.
  const plugins = await loadPlugins(registry, {
    paths: o.plugins,
    search: o.pluginSearch,
    version,
    log: (m) => console.error(m),
  });
  const from = new Map(plugins.flatMap((p) => p.pipelines.map((id) => [id, p.source] as const)));
  const res = { width: o.width, height: o.height };
  const list = registry.list().map((d) => ({ ...d, params: { ...commonParams(res), ...d.params } }));
  if (json) {
    const out = list.map((d) => ({
      id: d.id,
      name: d.name,
      description: d.description,
      plugin: from.get(d.id) ?? null,
      params: Object.fromEntries(Object.entries(d.params).map(([k, s]) => [k, paramJsonSchema(s)])),
    }));
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  for (const d of list) {
    const plugin = from.has(d.id) ? ` (plugin ${from.get(d.id)})` : '';
    console.log(`${d.id} — ${d.name}${plugin}\n  ${d.description}`);
    for (const [name, spec] of Object.entries(d.params)) console.log(`    ${name.padEnd(14)} ${describeSpec(spec)}`);
    console.log('');
  }
}

function describeSpec(s: ParamSpec): string {
  const load = s.mode === 'load' ? ' (reloads)' : '';
  const unit = 'unit' in s && s.unit ? ` ${s.unit}` : '';
  switch (s.kind) {
    case 'number':
    case 'int':
      return `${s.kind} ${s.min}..${s.max}${unit}, default ${s.default}${load}`;
    case 'enum':
      return `enum ${s.options.join('|')}, default ${s.default}${load}`;
    case 'bool':
      return `bool, default ${s.default}${load}`;
    case 'text':
      return `text, default ${JSON.stringify(s.default)}${load}`;
    case 'trigger':
      return 'trigger';
    case 'color':
      return `colour, default ${s.default}${load}`;
  }
}

function fail(message: string): void {
  console.error(`daydream-scope: ${message}`);
  process.exitCode = 1;
}
