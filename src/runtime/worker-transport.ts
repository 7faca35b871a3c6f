import { Worker } from 'node:worker_threads';
import { PendingReplies } from './pending-replies';
import type { Reply } from './pending-replies';
import type { Replies, Request } from './session-protocol';
import type { SessionTransport } from './transport';

/** Sessions in one worker thread (ort-worker.mjs), so a render never blocks sockets and outputs. */
export class WorkerTransport implements SessionTransport {
  private worker: Worker | undefined;
  private readonly replies = new PendingReplies();
  private readonly lost: ((err: Error) => void)[] = [];
  private closing = false;

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./ort-worker.mjs', import.meta.url));
    worker.on('message', (msg: Reply) => {
      this.replies.settle(msg);
      if (this.replies.size === 0) worker.unref();
    });
    const failAll = (err: Error) => {
      if (this.worker !== worker) return;
      this.replies.failAll(err);
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
    const { rid, reply } = this.replies.open<Replies[R['op']]>();
    worker.ref();
    try {
      worker.postMessage({ rid, msg }, transfer);
    } catch (err) {
      // A message that cannot be sent (a value that cannot be cloned) fails this call, as a reply would.
      this.replies.fail(rid, err as Error);
    }
    return reply;
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
