/**
 * Where sessions run, behind one small interface: the runtime sends requests and gets replies, and hears when the
 * place is lost (with every session and kept tensor in it). A worker thread is the default; this thread serves
 * tests and benches that measure the hop; a child process (child-transport.ts, crash isolation) is one more
 * implementation of the same three members, and can also be killed.
 */
import type { Replies, Request } from './session-protocol';
import { loadOrt } from './ort-core';
import { SessionServer } from './session-server';

export interface SessionTransport {
  /** Sends one request; `transfer` lists buffers the transport may move instead of copying. */
  request<R extends Request>(msg: R, transfer?: ArrayBuffer[]): Promise<Replies[R['op']]>;
  /** Calls `listener` once when the sessions' home goes away by itself (a crash, an exit). */
  onLost(listener: (err: Error) => void): void;
  /** Ends it; sessions and kept tensors in it are gone. */
  close(): Promise<void>;
  /** Ends it at once, even while it hangs (a child process can be killed; a thread cannot be interrupted). */
  kill?(): Promise<void>;
  /** The process the sessions run in, when it is not this one (its memory is read by the monitor). */
  readonly pid?: number | undefined;
}

/** Sessions on the calling thread: every run blocks the event loop for its length. */
export class InProcessTransport implements SessionTransport {
  private server: Promise<SessionServer> | undefined;

  async request<R extends Request>(msg: R): Promise<Replies[R['op']]> {
    // The onnxruntime-node the setting names (ort-core.ts), as in the worker thread and the pipeline processes.
    this.server ??= Promise.resolve().then(() => new SessionServer(loadOrt().ort));
    const answer = await (await this.server).handle(msg);
    return answer.value as Replies[R['op']];
  }

  onLost(): void {
    // Nothing here can be lost without the caller going with it.
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await (await server)?.close();
  }
}
