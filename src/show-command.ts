/**
 * `daydream-scope show export|import <file>`: a running server's show to a `.scope-show.json` file and back,
 * over its HTTP API (GET/PUT /api/v1/show), as `daydream-scope mcp` attaches to one. The server checks and applies;
 * this prints what it said: what was applied, what was left as it was, what is missing and how to get it.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from './files';
import { API_PREFIX, apiPaths } from './shared/api-paths';
import { showFileSchema, showImportReportSchema, showIncompleteSchema } from './shared/show-file';
import { errorBodySchema } from './shared/api';
import { downloadModels } from './show-downloads';
import type { Request } from './show-downloads';
import type { ShowImportReport, ShowMissing } from './shared/show-file';

export const SHOW_USAGE = `daydream-scope show — a running server's show to a file, and back

Usage:
  daydream-scope show export <file> [--url <url>] [--token <token>]
  daydream-scope show import <file> [--url <url>] [--token <token>] [--download]

Options:
  --url <url>        the server (default http://127.0.0.1:8000)
  --token <token>    sent as "Authorization: Bearer"; a server in LAN mode needs it from other machines
  --download         (import) when the show lacks only models the server can fetch, fetch them, then import
`;

const DEFAULT_URL = 'http://127.0.0.1:8000';

export interface ShowCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Waits between looks at a download's progress (a timer by default). */
  wait?: (ms: number) => Promise<void>;
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
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        download: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
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
  let base: URL;
  try {
    base = new URL(values.url ?? DEFAULT_URL);
  } catch {
    return fail(`--url "${values.url}" is not a URL (e.g. ${DEFAULT_URL})`);
  }
  // fetch refuses such a URL with an error that repeats it, password and all: said here, without them.
  if (base.username !== '' || base.password !== '') {
    return fail('--url carries a user and password, which are never sent; give the token with --token');
  }
  const headers: Record<string, string> = values.token ? { authorization: `Bearer ${values.token}` } : {};
  const request: Request = async (path, init) => {
    const url = new URL(API_PREFIX + path, base);
    try {
      return await fetch(url, { ...init, headers: { ...headers, ...init.headers } });
    } catch (err) {
      throw new Error(`no server answered at ${url.origin} (${(err as Error).message}); is it running?`, {
        cause: err,
      });
    }
  };
  try {
    if (action === 'export') return await exportTo(file, request, io);
    return await importFrom(file, request, io, values.download === true);
  } catch (err) {
    return fail((err as Error).message);
  }
}

async function exportTo(file: string, request: Request, io: ShowCommandIo): Promise<number> {
  const res = await request(apiPaths.show, { method: 'GET' });
  const text = await res.text();
  if (!res.ok) throw new Error(`the server refused the export: ${said(text, res.status)}`);
  // Something else on that port (a web dev server answers every path) must not leave a "show" that is not one.
  if (!showFileSchema.safeParse(parsedJson(text)).success) {
    throw new Error(
      `what ${res.url} answered is not a daydream-scope show; is --url this server's? Nothing was written`,
    );
  }
  await writeFileAtomic(file, text.endsWith('\n') ? text : `${text}\n`);
  io.out(`Show written to ${file}.`);
  return 0;
}

async function importFrom(file: string, request: Request, io: ShowCommandIo, download: boolean): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let answer = await putShow(request, text);
  if ('missing' in answer && download && answer.missing.every((m) => m.download)) {
    await downloadModels(
      answer.missing.map((m) => m.name),
      request,
      io,
    );
    answer = await putShow(request, text);
  }
  if ('missing' in answer) {
    io.err(`daydream-scope show: ${file} was not imported; the server lacks what the show needs:`);
    for (const m of answer.missing) {
      const hash = m.sha256 ? ` (sha256 ${m.sha256.slice(0, 12)}…)` : '';
      io.err(`  ${m.kind} ${m.name}${hash}: ${m.reason}${m.download ? `; get it with: ${m.download.command}` : ''}`);
    }
    if (answer.missing.some((m) => m.download))
      io.err('  (or import with --download to have the server fetch the models)');
    return 1;
  }
  if ('refused' in answer) throw new Error(`${file} was not imported: ${answer.refused}`);
  const from = answer.migrated.length > 0 ? ` (migrated from version ${answer.migrated[0]})` : '';
  io.out(`Show imported from ${file}${from}: ${answer.applied.join(', ')}.`);
  for (const note of answer.notes) io.out(`  note: ${note}`);
  return 0;
}

/** PUT /api/v1/show: the report, what is missing, or the refusal's sentence. */
async function putShow(
  request: Request,
  text: string,
): Promise<ShowImportReport | { missing: ShowMissing[] } | { refused: string }> {
  const res = await request(apiPaths.show, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  const answer = await res.text();
  const body = parsedJson(answer);
  const incomplete = showIncompleteSchema.safeParse(body);
  if (incomplete.success) return { missing: incomplete.data.missing };
  if (!res.ok) return { refused: said(answer, res.status) };
  return showImportReportSchema.parse(body);
}

/** The JSON in `text`, or undefined when it is not JSON. */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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
