/**
 * The side that owns onnxruntime: sessions, the tensors kept for the runtime as handles, and the download path of
 * GPU buffers. It runs wherever the transport puts it (the worker thread through ort-worker.mjs, or this thread)
 * and never calls `getData()` on a gpu-buffer tensor, which aborts the process in onnxruntime-node 1.30: a GPU
 * buffer reaches the host only through a session whose output onnxruntime copies to the host.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { GraphBuilder } from './graph-builder';
import type { ElemType } from './graph-builder';
import { readSignature } from './onnx-signature';
import type { Answer, CreateRequest, Replies, Request, RunRequest, WireHandle, WirePlain } from './session-protocol';
import type { TensorElementType } from './tensor';
import { outputSlots, preallocatesOutputs, runInto } from './output-slots';
import type { OutputSlots } from './output-slots';
import type { WireShared } from './shared-frames';

type Ort = typeof OrtModule;

interface OpenSession {
  session: InferenceSession;
  webgpu: boolean;
  /** Outputs onnxruntime puts on the host (on a CPU session, all of them). */
  hostOutputs: ReadonlySet<string>;
  /**
   * Whether its host outputs may be written in place (output-slots.ts): not where onnxruntime ignores the memory
   * given to it (a WebGPU session with outputs left in GPU buffers), nor once a run into slots was refused.
   */
  direct: boolean;
  profilePrefix: string | undefined;
}

/** Graph element types by onnxruntime tensor type, for the upload and download graphs. */
const identityTypes: Partial<Record<string, ElemType>> = {
  float32: 'float',
  float16: 'float16',
  uint8: 'uint8',
  int32: 'int32',
  int64: 'int64',
};

export class SessionServer {
  private readonly sessions = new Map<number, OpenSession>();
  private readonly handles = new Map<number, { tensor: Tensor; sid: number }>();
  private readonly identities = new Map<string, Promise<InferenceSession>>();
  private nextHandle = 1;
  private tail: Promise<unknown> = Promise.resolve();

  /** `slots`: where run outputs go straight into shared memory (the child process); without it, as allocated. */
  constructor(
    private readonly ort: Ort,
    private readonly slots?: OutputSlots,
  ) {}

  /**
   * Answers one request after the ones before it: a release must never overtake a run of the same session.
   * Errors are thrown as they are, for the transport to carry back.
   */
  handle(msg: Request): Promise<Answer<Replies[Request['op']]>> {
    const answer = this.tail.then(() => this.answer(msg));
    this.tail = answer.catch(() => {});
    return answer;
  }

  private async answer(msg: Request): Promise<Answer<Replies[Request['op']]>> {
    switch (msg.op) {
      case 'create':
        return plain(await this.create(msg));
      case 'run':
        return this.run(msg);
      case 'read':
        return this.read(msg.id);
      case 'dispose':
        for (const id of msg.ids) this.dispose(id);
        return plain({});
      case 'release':
        await this.release(msg.sid);
        return plain({});
      case 'endProfiling':
        return plain({ file: await this.endProfiling(msg.sid) });
      case 'upload':
        return plain({ handle: await this.upload(msg.tensor, msg.gpu) });
      case 'fault':
        throw new Error('fault injection needs the sessions in a child process (--isolation process)');
      case 'shutdown':
        await this.close();
        return plain({});
    }
  }

  private async create(msg: CreateRequest): Promise<Replies['create']> {
    const options = { ...msg.options };
    const webgpu = firstProvider(options) === 'webgpu';
    if (webgpu) {
      const { outputs } = await readSignature(msg.model);
      const names = outputs.map((o) => o.name);
      const unknown = msg.hostOutputs.filter((n) => !names.includes(n));
      if (unknown.length > 0) throw new Error(`hostOutputs: the model has no output ${unknown.join(', ')}`);
      options.preferredOutputLocation = Object.fromEntries(
        names.map((n) => [n, msg.hostOutputs.includes(n) ? 'cpu' : 'gpu-buffer']),
      );
    }
    const session =
      typeof msg.model === 'string'
        ? await this.ort.InferenceSession.create(msg.model, options)
        : await this.ort.InferenceSession.create(msg.model, options);
    this.sessions.set(msg.sid, {
      session,
      webgpu,
      hostOutputs: new Set(webgpu ? msg.hostOutputs : session.outputNames),
      direct: preallocatesOutputs(options.preferredOutputLocation),
      profilePrefix: options.enableProfiling ? options.profileFilePrefix : undefined,
    });
    return { inputNames: [...session.inputNames], outputNames: [...session.outputNames] };
  }

  private session(sid: number): OpenSession {
    const s = this.sessions.get(sid);
    if (!s) throw new Error('session was released');
    return s;
  }

  private async run(msg: RunRequest): Promise<Answer<Replies['run']>> {
    const s = this.session(msg.sid);
    const unknown = msg.keep.filter((n) => !s.session.outputNames.includes(n));
    if (unknown.length > 0) throw new Error(`keep: the session has no output ${unknown.join(', ')}`);
    const feeds: Record<string, Tensor> = {};
    for (const [name, f] of Object.entries(msg.feeds)) {
      if (f.kind === 'plain') {
        feeds[name] = new this.ort.Tensor(f.type as 'float32', f.data as Float32Array, f.dims);
        continue;
      }
      const kept = this.handles.get(f.id);
      if (!kept) throw new Error(`tensor handle #${f.id} was released`);
      // A CPU session would read the GPU buffer's address as if it were the data.
      if (kept.tensor.location === 'gpu-buffer' && !s.webgpu) {
        throw new Error(`input "${name}": tensor handle #${f.id} is in a GPU buffer and this session runs on the CPU`);
      }
      feeds[name] = kept.tensor;
    }
    const keep = new Set(msg.keep);
    const slots = this.slots && s.direct ? outputSlots(this.ort, s, keep, this.slots) : undefined;
    const out = await runInto(s, feeds, slots);
    const outputs: Record<string, WirePlain | WireHandle | WireShared> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, tensor] of Object.entries(out)) {
      const slot = slots?.get(name);
      if (slot && s.direct) {
        // onnxruntime wrote it where the server reads it: nothing to copy or send but where it lies.
        outputs[name] = slot.wire({ type: tensor.type, dims: tensor.dims, array: slot.data.constructor.name });
      } else if (keep.has(name)) {
        outputs[name] = this.keepTensor(tensor, msg.sid);
      } else if (tensor.location === 'gpu-buffer') {
        try {
          outputs[name] = await this.download(tensor);
        } finally {
          tensor.dispose();
        }
      } else {
        outputs[name] = wire(tensor);
        if (ArrayBuffer.isView(tensor.data)) transfer.push(tensor.data.buffer as ArrayBuffer);
      }
    }
    return { value: { outputs: outputs as Record<string, WirePlain | WireHandle> }, transfer };
  }

  private keepTensor(tensor: Tensor, sid: number): WireHandle {
    const id = this.nextHandle++;
    this.handles.set(id, { tensor, sid });
    const location = tensor.location === 'gpu-buffer' ? 'gpu-buffer' : 'cpu';
    return { kind: 'handle', id, type: tensor.type as TensorElementType, dims: [...tensor.dims], location };
  }

  private async read(id: number): Promise<Answer<Replies['read']>> {
    const kept = this.handles.get(id);
    if (!kept) throw new Error(`tensor handle #${id} was released`);
    if (kept.tensor.location === 'gpu-buffer') return plain({ tensor: await this.download(kept.tensor) });
    // The kept tensor stays usable, so the reader gets a copy.
    const data = kept.tensor.data;
    const copy = ArrayBuffer.isView(data) ? (data as Uint8Array).slice() : [...(data as string[])];
    const tensor: WirePlain = { kind: 'plain', type: kept.tensor.type, dims: [...kept.tensor.dims], data: copy };
    return { value: { tensor }, transfer: ArrayBuffer.isView(copy) ? [copy.buffer as ArrayBuffer] : [] };
  }

  /** Brings a GPU buffer to the host through an Identity session whose output onnxruntime copies to the host. */
  private async download(tensor: Tensor): Promise<WirePlain> {
    const out = await (await this.identity(tensor.type, tensor.dims.length, 'cpu')).run({ x: tensor });
    return wire(out.y!);
  }

  /** Keeps a host tensor as a handle: in a GPU buffer (through an Identity session) or as it is. */
  private async upload(t: WirePlain, gpu: boolean): Promise<WireHandle> {
    // A copy: on this thread the caller's buffer would otherwise be the kept tensor, and callers reuse buffers.
    const data = (t.data as Float32Array).slice();
    const tensor = new this.ort.Tensor(t.type as 'float32', data, t.dims);
    if (!gpu) return this.keepTensor(tensor, -1);
    const out = await (await this.identity(t.type, t.dims.length, 'gpu-buffer')).run({ x: tensor });
    return this.keepTensor(out.y!, -1);
  }

  /** y = Identity(x) on WebGPU, its output on the host or in a GPU buffer; one session per type, rank and place. */
  private identity(type: string, rank: number, output: 'cpu' | 'gpu-buffer'): Promise<InferenceSession> {
    const elem = identityTypes[type];
    if (!elem) throw new Error(`cannot move a ${type} tensor between host and GPU`);
    const key = `${type}/${rank}/${output}`;
    let session = this.identities.get(key);
    if (!session) {
      session = this.ort.InferenceSession.create(identityModel(elem, rank), {
        executionProviders: ['webgpu', 'cpu'],
        preferredOutputLocation: output,
      });
      this.identities.set(key, session);
      session.catch(() => this.identities.delete(key));
    }
    return session;
  }

  private dispose(id: number): void {
    const kept = this.handles.get(id);
    if (!kept) return;
    this.handles.delete(id);
    if (kept.tensor.location === 'gpu-buffer') kept.tensor.dispose();
  }

  private async release(sid: number): Promise<void> {
    for (const [id, kept] of this.handles) if (kept.sid === sid) this.dispose(id);
    const s = this.sessions.get(sid);
    this.sessions.delete(sid);
    await s?.session.release();
  }

  private async endProfiling(sid: number): Promise<string> {
    const s = this.session(sid);
    if (!s.profilePrefix) throw new Error('the session was created without profiling');
    s.session.endProfiling();
    const dir = dirname(s.profilePrefix);
    const prefix = basename(s.profilePrefix);
    const files = (await readdir(dir)).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).sort();
    const file = files.at(-1);
    if (!file) throw new Error(`onnxruntime wrote no profile under ${s.profilePrefix}`);
    return join(dir, file);
  }

  /** Releases everything (the transport is closing): GPU buffers go back before their device does. */
  async close(): Promise<void> {
    for (const id of [...this.handles.keys()]) this.dispose(id);
    await Promise.allSettled([...this.sessions.keys()].map((sid) => this.release(sid)));
    const identities = [...this.identities.values()];
    this.identities.clear();
    await Promise.allSettled(identities.map(async (s) => (await s).release()));
  }
}

function plain<T>(value: T): Answer<T> {
  return { value, transfer: [] };
}

function wire(t: Tensor): WirePlain {
  return { kind: 'plain', type: t.type, dims: [...t.dims], data: t.data as ArrayBufferView };
}

function firstProvider(options: InferenceSession.SessionOptions): string | undefined {
  const first = options.executionProviders?.[0];
  return typeof first === 'string' ? first : first?.name;
}

/** y = Identity(x) over a tensor of the given rank, every dimension symbolic. */
function identityModel(type: ElemType, rank: number): Uint8Array {
  const g = new GraphBuilder('download');
  const dims = Array.from({ length: rank }, (_, i) => `d${i}`);
  const x = g.input('x', type, dims);
  g.output(g.op('Identity', [x]), 'y', type, dims);
  return g.toBytes();
}
