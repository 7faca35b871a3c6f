import { Worker } from 'node:worker_threads';
import type { Replies, Request } from './session-protocol';
import type { SessionTransport } from './transport';

type Pending = { resolve: (v: never) => void; reject: (e: Error) => void };

/** Sessions in one worker thread (ort-worker.mjs), so a render never blocks sockets and outputs. */
export class WorkerTransport implements SessionTransport {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly lost: ((err: Error) => void)[] = [];
  private closing = false;

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./ort-worker.mjs', import.meta.url));
    worker.on('message', (msg: { rid: number; ok: boolean; value?: unknown; message?: string }) => {
      const p = this.pending.get(msg.rid);
      if (!p) return;
      this.pending.delete(msg.rid);
      if (this.pending.size === 0) worker.unref();
      if (msg.ok) p.resolve(msg.value as never);
      else p.reject(new Error(msg.message));
    });
    const failAll = (err: Error) => {
      if (this.worker !== worker) return;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = undefined;
      if (!this.closing) for (const l of this.lost) l(err);
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`onnxruntime worker exited (code ${code})`)));
    // An idle worker must not keep the process alive; one with calls in flight must (see request()).
    worker.unref();
    this.worker = worker;
    return worker;
  }

  request<R extends Request>(msg: R, transfer: ArrayBuffer[] = []): Promise<Replies[R['op']]> {
    const worker = this.start();
    const rid = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(rid, { resolve: resolve as (v: never) => void, reject });
      worker.ref();
      worker.postMessage({ rid, msg }, transfer);
    });
  }

  onLost(listener: (err: Error) => void): void {
    this.lost.push(listener);
  }

  /** Releases the sessions in the worker first (a few seconds at most, a run may be in flight), then ends it. */
  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.closing = true;
    try {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((resolve) => (timer = setTimeout(resolve, 5000)));
      await Promise.race([this.request({ op: 'shutdown' }).catch(() => {}), late]);
      clearTimeout(timer);
      await w.terminate();
    } finally {
      this.closing = false;
    }
  }
}
