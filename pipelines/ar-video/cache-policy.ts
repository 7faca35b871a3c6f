/**
 * The host side of the KV cache: which frame each cache slot holds, which slots a block may attend to, where a
 * block's new K/V go, and the RoPE frame positions of each block. The tensors themselves stay on the device; this
 * only computes the small inputs that steer them (a bias per slot, a gather index per write, positions per frame).
 *
 * Layout: `slots = windowFrames - blockFrames` frame slots; the first `sinkFrames` hold the first frames generated
 * since the last reset (attention sinks, never evicted), the rest are a ring of the most recent frames. The block
 * being denoised attends to the filled slots plus its own frames, so attention spans at most `windowFrames` frames,
 * as upstream's local_attn_size (LongLive: 12 with 3 sink and 3-frame blocks; StreamDiffusionV2: 6, 3, 1). Keys are
 * stored after RoPE at absolute positions, so the order of slots does not matter to attention.
 */

/** Attention bias of an empty slot: exp of it is 0 in float16 and float32 alike. */
export const MASKED = -30000;

export interface CachePolicyOptions {
  /** Attention-sink frames kept from the start of the stream. */
  sinkFrames: number;
  /** Frames one block's attention spans, its own included (upstream local_attn_size / num_kv_cache). */
  windowFrames: number;
  /** Latent frames generated per block. */
  blockFrames: number;
  /** RoPE positions must stay below this (the model's table has 1024 rows). */
  positionLimit: number;
  /** At the limit: start again at 0 with an empty cache, or rewind the position and keep the cache. */
  onLimit: 'reset' | 'rewind';
  /** Position the next block takes after a rewind (StreamDiffusionV2: 5, its cache length minus one frame). */
  rewindTo: number;
}

/** What one cache slot holds. */
export interface SlotEntry {
  /** Absolute RoPE frame position the frame was generated at. */
  position: number;
  sink: boolean;
}

/** Where the next block goes. */
export interface BlockPlacement {
  /** RoPE frame position of each of the block's frames. */
  positions: number[];
  /** The cache was emptied to make room (position limit with onLimit 'reset'). */
  reset: boolean;
  /** The position was rewound (position limit with onLimit 'rewind'). */
  rewound: boolean;
}

/** Slots, sink and rolling window of one stream's cache; see the file comment. */
export class CachePolicy {
  readonly slots: number;
  private table: (SlotEntry | null)[];
  /** Rolling slot numbers, oldest write first. */
  private ring: number[] = [];
  private next = 0;
  private sinks = 0;

  constructor(readonly options: CachePolicyOptions) {
    const { sinkFrames, windowFrames, blockFrames, positionLimit, rewindTo } = options;
    if (![sinkFrames, windowFrames, blockFrames].every((n) => Number.isInteger(n) && n >= 0)) {
      throw new Error('cache sizes must be whole frame counts');
    }
    if (blockFrames < 1 || windowFrames < blockFrames) {
      throw new Error(`a window of ${windowFrames} frames cannot hold a block of ${blockFrames}`);
    }
    this.slots = windowFrames - blockFrames;
    if (sinkFrames > this.slots) throw new Error(`${sinkFrames} sink frames do not fit in ${this.slots} cache slots`);
    if (rewindTo < 0 || rewindTo + blockFrames > positionLimit) throw new Error('rewind position out of range');
    this.table = Array.from({ length: this.slots }, () => null);
  }

  /** Slots that are not sinks: how many recent frames the ring keeps. */
  get rollingSlots(): number {
    return this.slots - this.options.sinkFrames;
  }

  /** Position of the next frame to generate. */
  get position(): number {
    return this.next;
  }

  /** A copy of what each slot holds (null: empty). */
  entries(): (SlotEntry | null)[] {
    return this.table.map((e) => (e ? { ...e } : null));
  }

  /** Empties every slot and starts positions at 0 again. */
  reset(): void {
    this.table = this.table.map(() => null);
    this.ring = [];
    this.next = 0;
    this.sinks = 0;
  }

  /** Places a block of `frames` at the current position, resetting or rewinding first where the limit says so. */
  place(frames: number): BlockPlacement {
    const { positionLimit, onLimit, rewindTo } = this.options;
    if (frames > positionLimit) throw new Error(`a block of ${frames} frames exceeds the position limit`);
    let reset = false;
    let rewound = false;
    if (this.next + frames > positionLimit) {
      if (onLimit === 'reset') {
        this.reset();
        reset = true;
      } else {
        this.next = rewindTo;
        rewound = true;
      }
    }
    const positions = Array.from({ length: frames }, (_, i) => this.next + i);
    return { positions, reset, rewound };
  }

  /** Per-slot attention bias for the next forward: 0 for filled slots, MASKED for empty ones. */
  bias(): Float32Array {
    return Float32Array.from(this.table, (e) => (e ? 0 : MASKED));
  }

  /** Bias that shows only the sink slots (a recache pass attends to the sinks and to the frames it re-runs). */
  sinkBias(): Float32Array {
    return Float32Array.from(this.table, (e) => (e?.sink ? 0 : MASKED));
  }

  /**
   * Commits a generated block whose frames sit at `positions`: sinks first while there are free sink slots, then
   * the ring (evicting its oldest frame). Returns the writer's gather index: for each slot, the slot itself (kept)
   * or `slots + i` (frame i of the block). The position moves past the block.
   */
  append(positions: readonly number[]): Int32Array {
    const index = Int32Array.from({ length: this.slots }, (_, s) => s);
    positions.forEach((position, i) => {
      let slot: number | undefined;
      if (this.sinks < this.options.sinkFrames) {
        slot = this.sinks++;
        this.table[slot] = { position, sink: true };
      } else if (this.rollingSlots > 0) {
        const free = this.table.findIndex((e, s) => e === null && s >= this.options.sinkFrames);
        slot = free >= 0 ? free : this.ring.shift()!;
        this.ring.push(slot);
        this.table[slot] = { position, sink: false };
      }
      if (slot !== undefined) index[slot] = this.slots + i;
    });
    this.next = positions[positions.length - 1]! + 1;
    return index;
  }

  /**
   * What a recache after a prompt cut re-runs, as LongLive's `_recache_after_switch` (v1.0, global_sink) does:
   * upstream re-runs the last min(window, n) frames at t = 0 under the new prompt, n being the frames generated.
   *
   * - While n <= window the pass starts at position 0 and nothing is protected: every frame attends to every other
   *   (bidirectionally, the cached branch applies no mask) and the sinks are rewritten too.
   * - Past that, `keep-sinks` (global_sink): the sink region is write-protected, so the pass writes its frames from
   *   the sink's length on, and its keys are the old sinks plus what it writes. The first `sink` frames of its
   *   window are neither written nor read by anything written, so running the last `window - sink` frames gives the
   *   same K/V, and that is what runs here. `all` (global_sink off, the interactive pipeline's
   *   sink_recache_after_switch): the whole window is rewritten and attends only to itself, so its oldest `sink`
   *   frames become the new sinks; the original sinks are not re-run.
   *
   * Upstream also writes the frames between the sinks and the newest `rolling` ones; the next block evicts them
   * before any query reads them, and this cache has no slots for them, so they are run (as keys) but not kept.
   * Returns the positions to run (oldest first), the bias of the pass, and the writer's index; `all` moves the
   * sink entries to their new positions. Nothing to do (no frames yet) gives an empty list.
   */
  recache(mode: 'keep-sinks' | 'all'): { positions: number[]; bias: Float32Array; index: Int32Array } {
    const { windowFrames, sinkFrames } = this.options;
    const n = this.next;
    const whole = n <= windowFrames || mode === 'all';
    const count = whole ? Math.min(windowFrames, n) : windowFrames - sinkFrames;
    const positions = Array.from({ length: count }, (_, i) => n - count + i);
    const bias = whole ? new Float32Array(this.slots).fill(MASKED) : this.sinkBias();
    if (whole && mode === 'all' && n > windowFrames) {
      this.table.forEach((e, slot) => {
        if (e?.sink) e.position = positions[slot]!;
      });
    }
    const index = Int32Array.from({ length: this.slots }, (_, s) => s);
    this.table.forEach((e, slot) => {
      if (!e || (e.sink && !whole)) return;
      const frame = positions.indexOf(e.position);
      if (frame >= 0) index[slot] = this.slots + frame;
    });
    return { positions, bias, index };
  }
}
