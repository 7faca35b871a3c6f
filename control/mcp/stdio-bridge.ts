/**
 * `daydream-scope mcp`: MCP over stdio for agents that start their tools as child processes (Claude Desktop and
 * the like). It holds no tools of its own: every message from stdin goes to a server's `/mcp` over Streamable HTTP
 * and every answer comes back on stdout, so stdio and HTTP agents see the same tools, sessions and guard. Only
 * JSON-RPC is written to stdout; what it has to say goes to `log` (stderr).
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isJSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { Upstream } from './upstream';
import type { Readable, Writable } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioBridgeOptions {
  /** The server, e.g. `http://127.0.0.1:8000`; its `/mcp` is used. */
  url: string;
  /** Sent as `Authorization: Bearer` (a server in LAN mode asks other machines for it). */
  token: string | undefined;
  log: (message: string) => void;
  stdin: Readable;
  stdout: Writable;
}

export interface StdioBridge {
  /** Resolves once stdin ended or close() was called, and the server's session was ended. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Starts relaying between stdio and `${url}/mcp` (see the top of this file). */
export async function bridgeStdio(options: Partial<StdioBridgeOptions> & { url: string }): Promise<StdioBridge> {
  const o = {
    token: undefined,
    log: (m: string) => void process.stderr.write(`${m}\n`),
    stdin: process.stdin,
    stdout: process.stdout,
    ...options,
  } satisfies StdioBridgeOptions;
  const upstream = new Upstream({ endpoint: new URL('/mcp', o.url), token: o.token, log: o.log });
  const local = new StdioServerTransport(o.stdin, o.stdout);
  const reply = (message: JSONRPCMessage) =>
    local.send(message).catch((err: unknown) => o.log(`MCP: could not write to stdout: ${messageOf(err)}`));

  local.onmessage = (message) => {
    upstream.send(message).catch((err: unknown) => {
      const why = `daydream-scope at ${o.url} did not answer: ${messageOf(err)}`;
      o.log(`MCP: ${why}`);
      // The agent waits for an answer to each request: it gets the reason instead of a silence.
      if (isJSONRPCRequest(message))
        void reply({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: why } });
    });
  };
  upstream.onmessage = (message) => void reply(message);
  local.onerror = (err) => o.log(`MCP: stdin: ${messageOf(err)}`);

  let done!: () => void;
  const closed = new Promise<void>((resolve) => (done = resolve));
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await upstream.close();
      await local.close();
      done();
    })());
  o.stdin.once('end', () => void close());
  o.stdin.once('close', () => void close());

  await upstream.start();
  await local.start();
  return { closed, close };
}

function messageOf(err: unknown): string {
  const e = err as Error & { cause?: { message?: string } };
  return e?.cause?.message ? `${e.message} (${e.cause.message})` : String(e?.message ?? err);
}
