/**
 * `daydream-scope show export|import <file>`: a running server's show to a `.scope-show.json` file and back,
 * over its HTTP API (GET/PUT /api/v1/show), as `daydream-scope mcp` attaches to one. The server checks and applies;
 * this prints what it said: what was applied, what was left as it was, what is missing and how to get it.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from './files';
import { API_PREFIX, apiPaths } from './shared/api-paths';
import { showImportReportSchema, showIncompleteSchema } from './shared/show-file';
import { errorBodySchema } from './shared/api';

export const SHOW_USAGE = `daydream-scope show — a running server's show to a file, and back

Usage:
  daydream-scope show export <file> [--url <url>] [--token <token>]   writes the show (e.g. gig.scope-show.json)
  daydream-scope show import <file> [--url <url>] [--token <token>]   checks the file, then applies all or nothing

Options:
  --url <url>        the server (default http://127.0.0.1:8000)
  --token <token>    sent as "Authorization: Bearer"; a server in LAN mode needs it from other machines
`;

const DEFAULT_URL = 'http://127.0.0.1:8000';

export interface ShowCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: ShowCommandIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Runs the command; answers the exit code (0 done, 1 refused or failed). */
export async function runShowCommand(argv: string[], io: ShowCommandIo = consoleIo): Promise<number> {
  const fail = (message: string) => (io.err(`daydream-scope show: ${message}`), 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${SHOW_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return (io.out(SHOW_USAGE), 0);
  const [action, file, ...extra] = positionals;
  if ((action !== 'export' && action !== 'import') || !file || extra.length > 0) {
    return fail(`expected "export <file>" or "import <file>"\n\n${SHOW_USAGE}`);
  }
  let url: URL;
  try {
    url = new URL(API_PREFIX + apiPaths.show, values.url ?? DEFAULT_URL);
  } catch {
    return fail(`--url "${values.url}" is not a URL (e.g. ${DEFAULT_URL})`);
  }
  const headers: Record<string, string> = values.token ? { authorization: `Bearer ${values.token}` } : {};
  const request = async (init: RequestInit) => {
    try {
      return await fetch(url, { ...init, headers: { ...headers, ...init.headers } });
    } catch (err) {
      throw new Error(`no server answered at ${url.origin} (${(err as Error).message}); is it running?`, {
        cause: err,
      });
    }
  };
  try {
    return action === 'export' ? await exportTo(file, request, io) : await importFrom(file, request, io);
  } catch (err) {
    return fail((err as Error).message);
  }
}

type Request = (init: RequestInit) => Promise<Response>;

async function exportTo(file: string, request: Request, io: ShowCommandIo): Promise<number> {
  const res = await request({ method: 'GET' });
  const text = await res.text();
  if (!res.ok) throw new Error(`the server refused the export: ${said(text, res.status)}`);
  await writeFileAtomic(file, text.endsWith('\n') ? text : `${text}\n`);
  io.out(`Show written to ${file}.`);
  return 0;
}

async function importFrom(file: string, request: Request, io: ShowCommandIo): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const res = await request({ method: 'PUT', headers: { 'content-type': 'application/json' }, body: text });
  const answer = await res.text();
  const body = (() => {
    try {
      return JSON.parse(answer) as unknown;
    } catch {
      return undefined;
    }
  })();
  const incomplete = showIncompleteSchema.safeParse(body);
  if (incomplete.success) {
    io.err(`daydream-scope show: ${file} was not imported; the server lacks what the show needs:`);
    for (const m of incomplete.data.missing) {
      const hash = m.sha256 ? ` (sha256 ${m.sha256.slice(0, 12)}…)` : '';
      io.err(`  ${m.kind} ${m.name}${hash}: ${m.reason}${m.download ? `; get it with: ${m.download.command}` : ''}`);
    }
    return 1;
  }
  if (!res.ok) throw new Error(`${file} was not imported: ${said(answer, res.status)}`);
  const report = showImportReportSchema.parse(body);
  const from = report.migrated.length > 0 ? ` (migrated from version ${report.migrated[0]})` : '';
  io.out(`Show imported from ${file}${from}: ${report.applied.join(', ')}.`);
  for (const note of report.notes) io.out(`  note: ${note}`);
  return 0;
}

/** The sentence of an error answer, or its status when it has none. */
function said(text: string, status: number): string {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error.message;
  } catch {
    // Not JSON: said by status below.
  }
  return `HTTP ${status}`;
}
