import type { WireHandle } from './session-protocol';
import { describeHandle, tensorBytes } from './tensor';
import type { TensorHandle } from './tensor';

/**
 * The runtime's record of the handles it gave out: which are live, which session made each, and why a dead one
 * died, so that a use after release or a double release is a sentence, never a crash in onnxruntime.
 */
export class HandleTable {
  private readonly live = new Map<number, { handle: TensorHandle; sid: number }>();
  private readonly gone = new WeakMap<TensorHandle, string>();

  /** Wraps a handle from the wire in a frozen object that only this table recognises. */
  issue(w: WireHandle, sid: number): TensorHandle {
    const handle: TensorHandle = Object.freeze({
      kind: 'handle',
      id: w.id,
      type: w.type,
      dims: Object.freeze([...w.dims]),
      location: w.location,
    });
    this.live.set(w.id, { handle, sid });
    return handle;
  }

  /** Throws a sentence unless `h` is a live handle of this runtime. */
  check(h: TensorHandle): void {
    if (this.live.get(h.id)?.handle === h) return;
    const why = this.gone.get(h);
    if (why) throw new Error(`${describeHandle(h)} was released ${why}; it cannot be used again`);
    throw new Error(`${describeHandle(h)} is not a tensor handle of this runtime`);
  }

  /** Marks handles dead; each must be live (a second release is an error). */
  retire(handles: readonly TensorHandle[], why = 'earlier'): number[] {
    for (const h of handles) this.check(h);
    if (new Set(handles).size !== handles.length) throw new Error('the same tensor handle was listed twice');
    return handles.map((h) => this.drop(h.id, why));
  }

  /** Marks every handle of a session dead (the session was released). */
  retireSession(sid: number): void {
    for (const [id, entry] of this.live) if (entry.sid === sid) this.drop(id, 'with its session');
  }

  /** Marks every handle dead: the place where the sessions ran is gone. */
  loseAll(why: string): void {
    for (const id of [...this.live.keys()]) this.drop(id, why);
  }

  /** Live handles and their bytes, for leak checks and memory figures. */
  stats(): { count: number; bytes: number } {
    let bytes = 0;
    for (const { handle } of this.live.values()) bytes += tensorBytes(handle);
    return { count: this.live.size, bytes };
  }

  private drop(id: number, why: string): number {
    const entry = this.live.get(id);
    if (entry) {
      this.live.delete(id);
      this.gone.set(entry.handle, why);
    }
    return id;
  }
}
