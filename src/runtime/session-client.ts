import type { InferenceSession } from 'onnxruntime-node';
import { HandleTable } from './handle-table';
import type { OrtSession, RunOptions, SessionOptions } from './session';
import type { ChildFault, WireFeed, WirePlain } from './session-protocol';
import { isHandle, tensorBytes } from './tensor';
import type { Feed, PlainTensor, TensorHandle } from './tensor';
import type { SessionTransport } from './transport';

/** Bytes and copies between host and device memory since the runtime started (what the benches read). */
export interface TransferCounts {
  toDeviceBytes: number;
  toDeviceCopies: number;
  toHostBytes: number;
  toHostCopies: number;
}

/**
 * The runtime's side of the transport: opens sessions in it, keeps the handle table and counts host<->device
 * copies. A session on a device provider copies every host feed to the device and every host output back; a kept
 * GPU buffer fed to the next session costs nothing.
 */
export class SessionClient {
  readonly handles = new HandleTable();
  private readonly counts: TransferCounts = { toDeviceBytes: 0, toDeviceCopies: 0, toHostBytes: 0, toHostCopies: 0 };
  private nextSession = 0;
  private current: SessionTransport | undefined;
  /** Bumped whenever the place where sessions run is lost, closed or killed: older sessions are gone with it. */
  private epoch = 0;
  private lostWhy: string | undefined;
  private readonly lostListeners: ((err: Error) => void)[] = [];
  private readonly registered = new WeakSet<SessionTransport>();

  /** `open` makes the transport, on first use and again after `close`. */
  constructor(private readonly open: () => SessionTransport) {}

  private get transport(): SessionTransport {
    if (!this.current) {
      const t = (this.current = this.open());
      // A transport object may be handed out again after a loss (it restarts itself), so register once.
      if (!this.registered.has(t)) {
        this.registered.add(t);
        t.onLost((err) => {
          if (this.current === t) this.current = undefined;
          this.ended(`when the onnxruntime worker stopped (${err.message})`);
          for (const l of this.lostListeners) l(err);
        });
      }
    }
    return this.current;
  }

  /** Calls `listener` each time the sessions' place goes away by itself (a crash, an exit). */
  onLost(listener: (err: Error) => void): void {
    this.lostListeners.push(listener);
  }

  /** The process the sessions run in, when it is not this one. */
  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** Ends the transport; every session and kept tensor goes with it, and the next session starts a new one. */
  async close(): Promise<void> {
    const t = this.current;
    this.current = undefined;
    this.ended('when the runtime was closed');
    await t?.close();
  }

  /** Ends the transport at once, even while it hangs (when it can be killed; closed otherwise). */
  async kill(): Promise<void> {
    const t = this.current;
    this.current = undefined;
    this.ended('when its onnxruntime process was stopped');
    if (t?.kill) await t.kill();
    else await t?.close();
  }

  /** Asks the sessions' process to bring a fault on itself (fault injection; a child process only). */
  async fault(fault: ChildFault): Promise<void> {
    await this.transport.request({ op: 'fault', fault });
  }

  private ended(why: string): void {
    this.epoch++;
    this.lostWhy = why;
    this.handles.loseAll(why);
  }

  /** Opens a session for `provider` with onnxruntime's options. */
  async create(
    model: string | Uint8Array,
    ortOptions: InferenceSession.SessionOptions,
    provider: string,
    options: SessionOptions,
  ): Promise<OrtSession> {
    const sid = this.nextSession++;
    const epoch = this.epoch;
    const names = await this.transport.request({
      op: 'create',
      sid,
      model,
      options: ortOptions,
      hostOutputs: [...options.hostOutputs],
    });
    const onDevice = provider !== 'cpu';
    let released = false;
    const alive = () => {
      if (released) throw new Error('session was released');
      if (epoch !== this.epoch) throw new Error(`the session is gone ${this.lostWhy ?? ''}`.trim());
    };
    const run = async (feeds: Record<string, Feed>, o: RunOptions = {}) => {
      alive();
      const wire: Record<string, WireFeed> = {};
      for (const [name, f] of Object.entries(feeds)) {
        if (isHandle(f)) {
          this.handles.check(f);
          wire[name] = { kind: 'handle', id: f.id };
          if (onDevice && f.location === 'cpu') this.count('toDevice', tensorBytes(f));
        } else {
          wire[name] = { kind: 'plain', type: f.type, dims: [...f.dims], data: f.data };
          if (onDevice) this.count('toDevice', tensorBytes(f));
        }
      }
      // Feeds are copied, not moved: pipelines refill the same buffers every frame.
      const reply = await this.transport.request({ op: 'run', sid, feeds: wire, keep: [...(o.keep ?? [])] });
      const out: Record<string, Feed> = {};
      for (const [name, t] of Object.entries(reply.outputs)) {
        out[name] = t.kind === 'handle' ? this.handles.issue(t, sid) : toPlain(t);
        if (onDevice && (t.kind === 'plain' || t.location === 'cpu')) this.count('toHost', tensorBytes(t));
      }
      return out;
    };
    return {
      inputNames: names.inputNames,
      outputNames: names.outputNames,
      provider,
      run: run as OrtSession['run'],
      endProfiling: async () => {
        alive();
        return (await this.transport.request({ op: 'endProfiling', sid })).file;
      },
      release: async () => {
        if (released) return;
        released = true;
        this.handles.retireSession(sid);
        // A session whose process is gone has nothing left to release (and must not start a new process).
        if (epoch === this.epoch) await this.transport.request({ op: 'release', sid });
      },
    };
  }

  /** Copies a kept tensor to the host; from a GPU buffer this is the one download a frame should need. */
  async read(handle: TensorHandle): Promise<PlainTensor> {
    this.handles.check(handle);
    const { tensor } = await this.transport.request({ op: 'read', id: handle.id });
    if (handle.location === 'gpu-buffer') this.count('toHost', tensorBytes(tensor));
    return toPlain(tensor);
  }

  /**
   * Keeps a host tensor where sessions run (a GPU buffer when `gpu`), for data that many runs share: the upload
   * is counted once, however often the handle is fed.
   */
  async upload(tensor: PlainTensor, gpu: boolean): Promise<TensorHandle> {
    const wire: WirePlain = { kind: 'plain', type: tensor.type, dims: [...tensor.dims], data: tensor.data };
    const { handle } = await this.transport.request({ op: 'upload', tensor: wire, gpu });
    if (gpu) this.count('toDevice', tensorBytes(tensor));
    return this.handles.issue(handle, -1);
  }

  /** Frees kept tensors; a handle released twice, or never issued here, is an error and frees nothing. */
  async release(handles: readonly TensorHandle[]): Promise<void> {
    const ids = this.handles.retire(handles);
    if (ids.length > 0) await this.transport.request({ op: 'dispose', ids });
  }

  transfers(): TransferCounts {
    return { ...this.counts };
  }

  private count(direction: 'toDevice' | 'toHost', bytes: number): void {
    this.counts[`${direction}Bytes`] += bytes;
    this.counts[`${direction}Copies`] += 1;
  }
}

function toPlain(t: WirePlain): PlainTensor {
  return { type: t.type, dims: t.dims, data: t.data };
}
