/** Helpers for the MCP tests: an SDK client on a server's /mcp, and readers of tool results. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The SDK's own client over Streamable HTTP at `${base}/mcp`, connected (initialize done). */
export async function httpClient(
  base: string,
  options: { headers?: Record<string, string>; fetch?: FetchLike } = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
    requestInit: { headers: options.headers ?? {} },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const client = new Client({ name: 'scope-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** The text of a tool result's first content (JSON answers are text). */
export function textOf(result: unknown): string {
  const first = (result as CallToolResult).content[0];
  if (first?.type !== 'text') throw new Error(`expected text content, got ${JSON.stringify(first)}`);
  return first.text;
}

/** A tool result's text parsed as JSON. */
export const jsonOf = (result: unknown): any => JSON.parse(textOf(result)); // eslint-disable-line @typescript-eslint/no-explicit-any
