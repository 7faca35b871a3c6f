/** The panel's link to the server: one WebSocket (reconnecting) and small JSON HTTP helpers. */
import { errorBodySchema } from '../../src/shared/api';
import { serverMessageSchema } from '../../src/shared/messages';
import type { z } from 'zod';
import type { ParamValue } from '../../src/shared/api';
import type { ClientMessage, ServerMessage } from '../../src/shared/messages';

/** What controls need to change things; components get this, tests give them a fake. */
export interface PanelClient {
  /** Sets one parameter; changes made within one animation frame go out as one message. */
  set(name: string, value: ParamValue): void;
  load(pipelineId: string): void;
  pause(paused: boolean): void;
}

export interface ScopeSocketOptions {
  url: string;
  onMessage: (m: ServerMessage) => void;
  onOpen: (open: boolean) => void;
  /** Applied-value answers of our own `set`s, so the panel shows clamped values. */
  onSent?: (values: Record<string, ParamValue>) => void;
}

const RECONNECT_MS = [250, 500, 1000, 2000, 4000];

export class ScopeSocket implements PanelClient {
  private ws: WebSocket | undefined;
  private pending: Record<string, ParamValue> | undefined;
  private attempts = 0;
  private closed = false;
  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: ScopeSocketOptions) {
    this.connect();
  }

  set(name: string, value: ParamValue): void {
    const first = this.pending === undefined;
    this.pending = { ...this.pending, [name]: value };
    this.o.onSent?.({ [name]: value });
    // A dragged slider fires many input events per frame; the server only needs the last one of each frame.
    if (first) requestAnimationFrame(() => this.flush());
  }

  load(pipelineId: string): void {
    this.send({ type: 'load', pipeline_id: pipelineId, id: this.nextId++ });
  }

  pause(paused: boolean): void {
    this.send({ type: 'pause', paused, id: this.nextId++ });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  private flush(): void {
    const params = this.pending;
    this.pending = undefined;
    if (params) this.send({ type: 'set', params, id: this.nextId++ });
  }

  private send(m: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  private connect(): void {
    const ws = new WebSocket(this.o.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.o.onOpen(true);
    };
    ws.onmessage = (e: MessageEvent) => {
      let json: unknown;
      try {
        json = JSON.parse(String(e.data));
      } catch {
        return;
      }
      const parsed = serverMessageSchema.safeParse(json);
      if (parsed.success) this.o.onMessage(parsed.data);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.o.onOpen(false);
      if (this.closed) return;
      // The server restarts between sets; keep trying, calmly.
      const delay = RECONNECT_MS[Math.min(this.attempts++, RECONNECT_MS.length - 1)]!;
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}

/** `ws://host/ws` of the page's own server. */
export function socketUrl(loc: Location = location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * JSON request to the server, its answer parsed with `schema` (the route's shape from src/shared); rejects with the
 * server's error sentence, or with what was wrong with an answer of another shape.
 */
export async function api<S extends z.ZodType>(
  path: string,
  schema: S,
  init: { method?: string; body?: unknown } = {},
): Promise<z.infer<S>> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const what = `${init.method ?? 'GET'} ${path}`;
  if (!res.ok) {
    const error = errorBodySchema.safeParse(json);
    throw new HttpError(res.status, error.success ? error.data.error.message : `${what}: HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${what} answered in an unexpected shape (${issue?.path.join('.') || 'the answer'}: ${issue?.message})`,
    );
  }
  return parsed.data;
}

/** Like `api` for a service that may not exist on this server: resolves to null on 404. */
export async function optionalApi<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S> | null> {
  try {
    return await api(path, schema);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return null;
    throw err;
  }
}
