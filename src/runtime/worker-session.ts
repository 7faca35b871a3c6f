import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';

/** A tensor as it crosses the thread boundary: plain data, no onnxruntime object. */
export interface PlainTensor {
  type: string;
  dims: readonly number[];
  data: ArrayBufferView | string[];
}

/** The part of an onnxruntime session that pipelines use; the same whether it runs here or in a worker. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, PlainTensor>): Promise<Record<string, PlainTensor>>;
  release(): Promise<void>;
}

type Pending = { resolve: (v: never) => void; reject: (e: Error) => void };

/** One worker thread that owns the sessions created through it; calls are queued in order. */
export class OrtWorker {
  private worker: Worker | undefined;
  private nextId = 0;
  private nextSession = 0;
  private pending = new Map<number, Pending>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./ort-worker.mjs', import.meta.url));
    worker.on('message', (msg: { id: number; ok: boolean; value?: unknown; message?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.ok) p.resolve(msg.value as never);
      else p.reject(new Error(msg.message));
    });
    const failAll = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = undefined;
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`onnxruntime worker exited (code ${code})`)));
    // An idle worker must not keep the process alive; one with calls in flight must (see call()).
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private call<T>(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject });
      worker.ref();
      worker.postMessage({ ...msg, id }, transfer);
    });
  }

  /** Creates a session in the worker from model bytes or a path. */
  async createSession(model: string | Uint8Array, options: InferenceSession.SessionOptions): Promise<OrtSession> {
    const sid = this.nextSession++;
    const names = await this.call<{ inputNames: string[]; outputNames: string[] }>({
      op: 'create',
      sid,
      model,
      options,
    });
    let released = false;
    return {
      ...names,
      run: (feeds) => {
        if (released) return Promise.reject(new Error('session was released'));
        const plain: Record<string, PlainTensor> = {};
        for (const [k, t] of Object.entries(feeds)) plain[k] = { type: t.type, dims: [...t.dims], data: t.data };
        return this.call({ op: 'run', sid, feeds: plain }).then(
          (v) => (v as { result: Record<string, PlainTensor> }).result,
        );
      },
      release: async () => {
        if (released) return;
        released = true;
        await this.call({ op: 'release', sid });
      },
    };
  }

  async terminate(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
