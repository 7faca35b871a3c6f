/**
 * `daydream-scope mcp`: MCP over stdio for an agent that starts its tools as child processes. It relays to a
 * running server's `/mcp` (`--url`, default http://127.0.0.1:8000), or with `--start` first starts a server in
 * this process (the server's flags apply) and relays to that one: one path either way, so stdio agents get
 * exactly the tools of /mcp. stdout carries MCP messages only; every log line goes to stderr.
 */
import { parseArgs } from 'node:util';
import { bridgeStdio } from '../control/mcp/stdio-bridge';
import { flagsHelp, optionsFromFlags, parseArgsOptions } from './flags';
import { startScope } from './main';
import type { Scope } from './main';

export const MCP_USAGE = `daydream-scope mcp — MCP (Model Context Protocol) over stdio, for agents

Usage:
  daydream-scope mcp [--url <url>] [--token <token>]   relay to a running server's /mcp
  daydream-scope mcp --start [server options]          start a server here, then relay to it

Options:
  --url <url>        the server to relay to (default http://127.0.0.1:8000)
  --token <token>    sent as "Authorization: Bearer"; a server in LAN mode needs it from other machines
  --start            start the server in this process (with the server options below) instead
`;

const DEFAULT_URL = 'http://127.0.0.1:8000';

/** Runs the command; answers the exit code. */
export async function runMcpCommand(argv: string[]): Promise<number> {
  const log = (m: string) => void process.stderr.write(`${m}\n`);
  // stdout is the protocol's: a stray console.log from anywhere would corrupt it, so the console goes to stderr.
  console.log = console.error;
  console.info = console.error;
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ...parseArgsOptions(),
        url: { type: 'string' },
        start: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    log(`daydream-scope mcp: ${(err as Error).message}\n\n${MCP_USAGE}`);
    return 1;
  }
  if (values.help) {
    log(`${MCP_USAGE}\nServer options (with --start):\n${flagsHelp()}`);
    return 0;
  }
  const { url, start, help: _, ...serverFlags } = values;
  const flags = optionsFromFlags(serverFlags);
  if (!flags.ok) return (log(`daydream-scope mcp: ${flags.message}`), 1);
  if (!start && Object.keys(serverFlags).some((k) => k !== 'token')) {
    log('daydream-scope mcp: server options need --start (without it, this relays to a server at --url)');
    return 1;
  }
  if (start && url !== undefined) return (log('daydream-scope mcp: give --url or --start, not both'), 1);

  let scope: Scope | undefined;
  if (start) {
    try {
      scope = await startScope({ ...flags.options, log });
    } catch (err) {
      log(`daydream-scope mcp: ${(err as Error).message}`);
      return 1;
    }
    log(`daydream-scope mcp: serving ${scope.url} (MCP at ${scope.url}/mcp); relaying stdio to it`);
  }
  const target = scope ? scope.url : (url ?? DEFAULT_URL);
  const token = scope ? scope.token : flags.options.token;
  try {
    new URL('/mcp', target);
  } catch {
    log(`daydream-scope mcp: --url "${target}" is not a URL (e.g. ${DEFAULT_URL})`);
    return 1;
  }
  const bridge = await bridgeStdio({ url: target, token, log });
  const onSignal = () => void bridge.close();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await bridge.closed;
  await scope?.stop();
  return 0;
}
