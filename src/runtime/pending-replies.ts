/** The requests a session transport has sent and not yet had answered, by request id. */

/** A reply as ort-worker.mjs and ort-child.mjs send it. */
export type Reply = { rid: number; ok: boolean; value?: unknown; message?: string };

type Pending = { resolve: (v: never) => void; reject: (e: Error) => void };

export class PendingReplies {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  /** How many requests wait for their reply (the thread or process is kept alive while any does). */
  get size(): number {
    return this.pending.size;
  }

  /** A new request id and the promise its reply settles. */
  open<T>(): { rid: number; reply: Promise<T> } {
    const rid = this.nextId++;
    const reply = new Promise<T>((resolve, reject) => {
      this.pending.set(rid, { resolve: resolve as (v: never) => void, reject });
    });
    return { rid, reply };
  }

  /** Settles the request the reply names; one no longer waited for (failed already) is ignored. */
  settle(msg: Reply): void {
    const p = this.pending.get(msg.rid);
    if (!p) return;
    this.pending.delete(msg.rid);
    if (msg.ok) p.resolve(msg.value as never);
    else p.reject(new Error(msg.message));
  }

  /** Fails one request (its message could not be sent); false when it was already settled. */
  fail(rid: number, err: Error): boolean {
    const p = this.pending.get(rid);
    if (!p) return false;
    this.pending.delete(rid);
    p.reject(err);
    return true;
  }

  /** Fails every request still waiting (the thread or process is gone). */
  failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
