/**
 * The HTTP side of the stdio relay: a Streamable HTTP client of a server's `/mcp`. When the server no longer knows
 * the session (it was restarted: every call answers 404), it opens a new one by replaying the agent's own
 * `initialize`, and sends the message again, so an agent keeps its tools across a restart of the server.
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { isJSONRPCErrorResponse, isJSONRPCRequest, isJSONRPCResultResponse } from '@modelcontextprotocol/sdk/types.js';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';

/** The id of a replayed initialize: its answer is the relay's, not the agent's. */
const REPLAY_ID = 'daydream-scope-mcp-replay';
/** How long a replayed initialize may take before the new session counts as refused. */
const REPLAY_TIMEOUT_MS = 10_000;

export interface UpstreamOptions {
  endpoint: URL;
  token: string | undefined;
  log: (message: string) => void;
}

export class Upstream {
  /** Every message of the server for the agent. */
  onmessage?: (message: JSONRPCMessage) => void;
  private transport: StreamableHTTPClientTransport;
  /** Counts the sessions opened: a send that failed on an older one is only sent again, not reopened again. */
  private generation = 0;
  private initialize: JSONRPCRequest | undefined;
  private reopening: Promise<void> | undefined;
  private replayAnswer: ((message: JSONRPCMessage) => void) | undefined;

  constructor(private readonly o: UpstreamOptions) {
    this.transport = this.connect();
  }

  start(): Promise<void> {
    return this.transport.start();
  }

  /** Sends a message of the agent; rejects with the reason when the server cannot take it. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (isJSONRPCRequest(message) && message.method === 'initialize') this.initialize = message;
    const generation = this.generation;
    try {
      await this.transport.send(message);
    } catch (err) {
      const gone = (err as { code?: unknown }).code === 404;
      if (!gone || !this.initialize || message === this.initialize) throw err;
      if (generation === this.generation) {
        this.reopening ??= this.reopen().finally(() => (this.reopening = undefined));
      }
      await this.reopening;
      await this.transport.send(message);
    }
  }

  /** Ends the session on the server (so it does not wait for a client that left) and the transport. */
  async close(): Promise<void> {
    await this.transport.terminateSession().catch(() => {});
    await this.transport.close();
  }

  private connect(): StreamableHTTPClientTransport {
    const transport = new StreamableHTTPClientTransport(this.o.endpoint, {
      requestInit: { headers: this.o.token ? { authorization: `Bearer ${this.o.token}` } : {} },
    });
    transport.onmessage = (message) => {
      // Names the protocol version on later requests once it is known, as the SDK's own client does.
      const version = isJSONRPCResultResponse(message) ? message.result.protocolVersion : undefined;
      if (typeof version === 'string') transport.setProtocolVersion(version);
      const answer = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
      if (answer && message.id === REPLAY_ID) return this.replayAnswer?.(message);
      this.onmessage?.(message);
    };
    transport.onerror = (err) => this.o.log(`MCP: ${err.message}`);
    return transport;
  }

  private async reopen(): Promise<void> {
    this.o.log('MCP: the server no longer knows this session (restarted?); opening a new one');
    const old = this.transport;
    this.transport = this.connect();
    this.generation++;
    await old.close().catch(() => {});
    await this.transport.start();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = new Promise<JSONRPCMessage>((resolve, reject) => {
      this.replayAnswer = resolve;
      timer = setTimeout(() => reject(new Error('no answer to a new initialize')), REPLAY_TIMEOUT_MS);
    });
    try {
      await this.transport.send({ ...this.initialize!, id: REPLAY_ID });
      const answer = await answered;
      if (isJSONRPCErrorResponse(answer)) throw new Error(`a new session was refused: ${answer.error.message}`);
    } finally {
      clearTimeout(timer);
      this.replayAnswer = undefined;
    }
    await this.transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }
}
