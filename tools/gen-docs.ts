/**
 * The reference tables that the code already knows, written into the docs between marker comments: the flag
 * table of docs/cli.md from FLAGS (src/flags.ts), the parameter tables of docs/pipelines.md from the built-in
 * pipelines' specs. `npx tsx tools/gen-docs.ts` rewrites them; docs/generated.test.ts fails when they are stale,
 * so a flag or parameter changed in code without this run is caught before review.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { FLAGS } from '../src/flags';
import { SCOPE_ENV, scopeEnv } from '../src/flag-env';
import type { EnvVar } from '../src/flag-env';
import { scopeDefaults } from '../src/scope-options';
import { commonParams } from '../src/engine/registry';
import { preprocessParams } from '../src/preprocess/stage-names';
import { builtinPipelines } from '../pipelines/index';
import { routeToolTable } from '../control/mcp/route-tools';
import { RESOURCES } from '../control/mcp/resources';
import type { ParamSpec, ParamSpecs } from '../src/params/spec';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A generated part: the file it lives in, the name in its markers, and how to make its text. */
export interface GeneratedPart {
  file: string;
  name: string;
  render(): string;
}

const begin = (name: string) => `<!-- generated:${name} begin: npx tsx tools/gen-docs.ts writes this part -->`;
const end = (name: string) => `<!-- generated:${name} end -->`;

/** Text in a table cell: pipes escaped, no line breaks. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function flagTable(): string {
  const rows = FLAGS.map((f) => [
    code(`--${f.name}${f.arg ? ` ${f.arg}` : ''}`),
    f.shows !== undefined ? cell(f.shows) : '',
    f.env ? code(f.env) : '',
    f.multiple ? 'yes' : '',
    cell(f.help),
  ]);
  return table(['flag', 'default', 'environment', 'repeatable', 'what it does'], rows);
}

/** The environment variables of SCOPE_ENV (src/flag-env.ts): those of a flag named, those without one tabled. */
export function envTable(): string {
  const vars = Object.entries(SCOPE_ENV) as [string, EnvVar][];
  const named = (name: string, v: EnvVar) => code(v.value ? `${name}=${v.value}` : name);
  const withFlag = vars.filter(([, v]) => v.flag).map(([name, v]) => named(name, v));
  const rows = vars.filter(([, v]) => !v.flag).map(([name, v]) => [named(name, v), cell(v.help)]);
  return [
    `Those that stand in for a flag are in the table above (${withFlag.join(', ')}). These have no flag:`,
    '',
    table(['variable', 'what it does'], rows),
  ].join('\n');
}

function range(s: ParamSpec): string {
  switch (s.kind) {
    case 'number':
    case 'int':
      return `${s.min} – ${s.max}${'unit' in s && s.unit ? ` ${s.unit}` : ''}`;
    case 'enum':
      return s.options.map(code).join(', ');
    case 'bool':
      return 'on / off';
    case 'text':
      return `up to ${s.maxLength} characters`;
    case 'trigger':
      return 'fires once';
    case 'color':
      return '`#rrggbb`';
  }
}

function defaultOf(s: ParamSpec): string {
  if (s.kind === 'trigger') return '';
  if (s.kind === 'bool') return s.default ? 'on' : 'off';
  if (s.kind === 'text') return s.default === '' ? '(empty)' : cell(JSON.stringify(s.default));
  return code(String(s.default));
}

function paramTable(params: ParamSpecs): string {
  const rows = Object.entries(params).map(([name, s]) => [
    code(name),
    s.kind,
    range(s),
    defaultOf(s),
    s.mode === 'load' ? 'reloads' : 'live',
    cell(s.description ?? s.label ?? ''),
  ]);
  return table(['parameter', 'kind', 'range', 'default', 'takes effect', 'what'], rows);
}

export function parameterTables(): string {
  const sections = [
    '### Every pipeline',
    '',
    paramTable(commonParams({ width: scopeDefaults.width, height: scopeDefaults.height })),
    '',
    '### Every pipeline that takes the input (the pre-processor chain, docs/preprocess.md)',
    '',
    paramTable(preprocessParams()),
  ];
  for (const d of builtinPipelines)
    sections.push('', `### \`${d.id}\`: ${d.name}`, '', cell(d.description), '', paramTable(d.params));
  return sections.join('\n');
}

/** The MCP tools made from routes (control/mcp/route-tools.ts) and the resources: names and the routes behind them. */
export function mcpTables(): string {
  const tools = routeToolTable(() => ({})).map((t) => [
    code(t.tool),
    code(`${t.method} ${t.path}`),
    cell(t.lead ?? ''),
  ]);
  const resources = RESOURCES.map((r) => [
    code(r.uri),
    Object.values(r.paths).map(code).join(', '),
    cell(r.description),
  ]);
  return [table(['tool', 'route', 'notes'], tools), '', table(['resource', 'routes read', 'what'], resources)].join(
    '\n',
  );
}

export const parts: GeneratedPart[] = [
  { file: 'docs/cli.md', name: 'flags', render: flagTable },
  { file: 'docs/cli.md', name: 'environment', render: envTable },
  { file: 'docs/mcp.md', name: 'mcp-tools', render: mcpTables },
  { file: 'docs/pipelines.md', name: 'parameters', render: parameterTables },
];

/** The text with the part between its markers replaced; an error sentence when the markers are missing. */
export function fill(text: string, part: GeneratedPart): string {
  const [b, e] = [begin(part.name), end(part.name)];
  const from = text.indexOf(b);
  const to = text.indexOf(e);
  if (from < 0 || to < from)
    throw new Error(`${part.file} has no "${b}" ... "${e}" markers to write the ${part.name} into`);
  return `${text.slice(0, from + b.length)}\n\n${part.render()}\n\n${text.slice(to)}`;
}

/** The part between the markers, markers included (what the test compares; the rest of the page is prose). */
export function region(text: string, part: GeneratedPart): string {
  const from = text.indexOf(begin(part.name));
  const to = text.indexOf(end(part.name));
  return from < 0 || to < from ? '' : text.slice(from, to + end(part.name).length);
}

/**
 * The file as it should be: its part filled, then formatted as the pre-commit hook formats Markdown (Prettier
 * aligns the tables), so the file a commit holds and the one this makes compare equal.
 */
export async function generated(part: GeneratedPart): Promise<{ path: string; text: string }> {
  const path = join(root, part.file);
  const filled = fill(readFileSync(path, 'utf8'), part);
  const config = (await resolveConfig(path)) ?? {};
  return { path, text: await format(filled, { ...config, filepath: path }) };
}

/** Defaults that an environment variable changes would make the docs depend on who generated them. */
export function checkEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  if (scopeEnv('DAYDREAM_SCOPE_TINY', env) !== undefined)
    throw new Error('DAYDREAM_SCOPE_TINY changes the model defaults the docs show: unset it and run again');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  checkEnvironment();
  for (const part of parts) {
    const { path, text } = await generated(part);
    const same = text === readFileSync(path, 'utf8');
    if (!same) writeFileSync(path, text);
    console.log(`${part.file}: ${part.name} ${same ? 'up to date' : 'rewritten'}`);
  }
}
