/**
 * What every MCP tool of this server is: a name, a description, the JSON Schema of its arguments, and a call that
 * answers an MCP tool result. Tools reach the show only through the server's own HTTP routes (`Dispatch`), so an
 * agent meets the same validation, the same clamping and the same error sentences as any HTTP client.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { RouteDoc } from '../../src/shared/route-doc';

export type JsonSchema = Record<string, unknown>;

/** Sends a request to the server's own app, in process; the MCP request that asked already passed the guard. */
export type Dispatch = (method: string, path: string, body?: unknown) => Promise<Response>;

/** A route of the server as mounted (`/api/v1/presets/:name/recall`) with its description, if it has one. */
export interface ApiRoute {
  method: string;
  path: string;
  doc: RouteDoc | undefined;
}

export interface McpTool {
  name: string;
  description: string;
  /** Always `type: "object"`, as MCP requires of a tool's arguments. */
  inputSchema: JsonSchema & { type: 'object' };
  call(args: Record<string, unknown>, dispatch: Dispatch): Promise<CallToolResult>;
}

/** A tool error as MCP wants it: a result with `isError`, never a protocol error, so the agent reads the sentence. */
export function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/**
 * An HTTP answer as a tool result: an image as MCP image content (base64), JSON as text, and an error as
 * `isError` with exactly the message HTTP gives (`{"error": {"message"}}`).
 */
export async function resultOf(res: Response): Promise<CallToolResult> {
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    const text = await res.text();
    try {
      const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
      if (typeof message === 'string') return toolError(message);
    } catch {
      // Not the one JSON error shape (a bare status from a lower layer): the status says what happened.
    }
    return toolError(`the server answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  }
  if (type.startsWith('image/')) {
    const data = Buffer.from(await res.arrayBuffer()).toString('base64');
    return { content: [{ type: 'image', data, mimeType: type.split(';')[0]!.trim() }] };
  }
  const text = await res.text();
  return { content: [{ type: 'text', text: text === '' ? `${res.status} (no content)` : text }] };
}
