import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { modelsDir } from '../files';
import { epDefaults, epSettings, tensorrtCacheIn, unreachableOptions } from './ep-options';
import type { EpOptions } from './ep-options';
import { loadOrt } from './ort-core';
import { chooseExecutionProvider, probeFacts } from './providers';
import type { DeviceRequest, ProviderChoice, ProviderFacts } from './providers';
import { SessionClient } from './session-client';
import type { TransferCounts } from './session-client';
import type { OrtSession, SessionOptions } from './session';
import type { InferenceBackend } from './backend';
import type { ChildFault } from './session-protocol';
import type { PlainTensor, TensorHandle } from './tensor';
import { InProcessTransport } from './transport';
import type { SessionTransport } from './transport';
import { WorkerTransport } from './worker-transport';

type Ort = typeof OrtModule;

export interface OrtRuntimeOptions {
  /** Threads for one operator; 0 lets onnxruntime choose (one per core). */
  intraOpThreads: number;
  /** Run sessions in a worker thread, so a render never blocks the event loop (sockets, outputs). */
  worker: boolean;
  /** Where sessions run; overrides `worker` (a child process for crash isolation plugs in here). */
  transport: SessionTransport | undefined;
  /** Execution provider asked for (`--device`); `auto` picks the best one this machine and build offer. */
  device: DeviceRequest;
  /** Facts the choice rests on; probed on first use when not given (tests pass them). */
  facts: ProviderFacts | (() => Promise<ProviderFacts>) | undefined;
  /** Where the choice and any fallback are told. */
  log: (message: string) => void;
  /** Provider options (TensorRT caches, graph capture); the TensorRT cache defaults to the models folder. */
  ep: Partial<EpOptions>;
}

const defaults: OrtRuntimeOptions = {
  intraOpThreads: 0,
  worker: true,
  transport: undefined,
  device: 'auto',
  facts: undefined,
  log: () => {},
  ep: {},
};

const sessionDefaults: SessionOptions = { hostOutputs: [], profile: undefined, freeDimensions: undefined };

/**
 * Owns the place where sessions run, the execution-provider choice and the tensors kept there; pipelines get
 * sessions from it, pass kept tensors (handles) between them, and read the finished frame with `read`.
 */
export class OrtRuntime implements InferenceBackend {
  readonly options: OrtRuntimeOptions;
  readonly ep: EpOptions;
  private ort: Ort | undefined;
  private readonly client: SessionClient;
  private choice: ProviderChoice | undefined;
  private choosing: Promise<ProviderChoice> | undefined;

  constructor(options: Partial<OrtRuntimeOptions> = {}) {
    this.options = { ...defaults, ...options } satisfies OrtRuntimeOptions;
    this.ep = { ...epDefaults, tensorrtCacheDir: tensorrtCacheIn(modelsDir()), ...this.options.ep } satisfies EpOptions;
    const { transport, worker } = this.options;
    this.client = new SessionClient(() => transport ?? (worker ? new WorkerTransport() : new InProcessTransport()));
  }

  /** The onnxruntime-node module, loaded on first use so that the server starts even where it cannot load. */
  async module(): Promise<Ort> {
    if (!this.ort) {
      try {
        // The same onnxruntime-node as the worker thread and the pipeline processes load (ort-core.ts).
        this.ort = loadOrt().ort;
      } catch (err) {
        throw new Error(
          `onnxruntime-node could not be loaded (${(err as Error).message}); reinstall with npm install`,
          {
            cause: err,
          },
        );
      }
    }
    return this.ort;
  }

  /** Execution provider of new sessions; `cpu` until the choice is made (by `provider()` or the first session). */
  get executionProvider(): string {
    return this.choice?.provider ?? 'cpu';
  }

  /** What the choice rested on (the WebGPU adapter among them); null before it is made. */
  providerFacts(): ProviderFacts | null {
    return this.facts ?? null;
  }
  private facts: ProviderFacts | undefined;

  /** The choice with its reason, for status; null before it is made. */
  providerStatus(): ProviderChoice | null {
    return this.choice ?? null;
  }

  /** Chooses the execution providers once (probing the machine unless facts were given) and logs why. */
  provider(): Promise<ProviderChoice> {
    this.choosing ??= (async () => {
      const { facts, device } = this.options;
      const known =
        facts === undefined ? await probeFacts({ device }) : typeof facts === 'function' ? await facts() : facts;
      const choice = chooseExecutionProvider(device, known);
      this.facts = known;
      this.choice = choice;
      if (known.coreProblem) this.options.log(`onnxruntime: ${known.coreProblem}`);
      if (known.core) this.options.log(`onnxruntime: the ${known.core.onnxruntime} core at ${known.core.dir}`);
      this.options.log(`onnxruntime: ${choice.provider} (${choice.reason})`);
      return choice;
    })();
    return this.choosing;
  }

  /**
   * Creates an inference session from a model file path or its bytes, in the worker thread by default. When the
   * chosen GPU provider cannot start (a missing cuDNN, a driver too old) the session is made on the CPU instead, and
   * later sessions go there directly: the show goes on, slower, and the status says why.
   */
  async createSession(model: string | Uint8Array, options: Partial<SessionOptions> = {}): Promise<OrtSession> {
    const o = { ...sessionDefaults, ...options } satisfies SessionOptions;
    const choice = await this.provider();
    try {
      return await this.openSession(model, choice.providers, o);
    } catch (err) {
      if (choice.provider === 'cpu') throw err;
      const session = await this.openSession(model, ['cpu'], o);
      const cuda = this.facts?.core ? `CUDA ${this.facts.core.cuda}` : 'CUDA 12';
      const gpuLibs =
        choice.provider === 'cuda' || choice.provider === 'tensorrt'
          ? ` (the CUDA provider needs the ${cuda} and cuDNN 9 libraries on the library path, TensorRT also the TensorRT libraries)`
          : '';
      const why = `${(err as Error).message.split('\n')[0]}${gpuLibs}`;
      this.choice = {
        ...choice,
        provider: 'cpu',
        providers: ['cpu'],
        reason: `${choice.provider} was chosen (${choice.reason}) but could not start a session: ${why}; using CPU`,
      };
      this.options.log(`onnxruntime: ${this.choice.reason}`);
      return session;
    }
  }

  /** Copies a kept tensor to the host (counted in `transfers()` when it comes from a GPU buffer). */
  read(handle: TensorHandle): Promise<PlainTensor> {
    return this.client.read(handle);
  }

  /**
   * Keeps a host tensor where the sessions run, as a handle: in a GPU buffer on WebGPU. For data many runs
   * share (noise, constants, a conditioning), so it crosses to the device once.
   */
  async upload(tensor: PlainTensor): Promise<TensorHandle> {
    const choice = await this.provider();
    return this.client.upload(tensor, choice.provider === 'webgpu');
  }

  /** Frees kept tensors. Releasing one twice, or one of another runtime, is an error and frees nothing. */
  release(handles: TensorHandle | readonly TensorHandle[]): Promise<void> {
    return this.client.release(Array.isArray(handles) ? handles : [handles as TensorHandle]);
  }

  /** Host<->device copies since this runtime started. */
  transfers(): TransferCounts {
    return this.client.transfers();
  }

  /** Live kept tensors and their bytes (a count that grows frame after frame is a leak). */
  handleStats(): { count: number; bytes: number } {
    return this.client.handles.stats();
  }

  private async openSession(
    model: string | Uint8Array,
    providers: readonly string[],
    o: SessionOptions,
  ): Promise<OrtSession> {
    const provider = providers[0] ?? 'cpu';
    const ep = epSettings(provider, this.ep);
    // Read by the provider when it starts, from the process environment shared with the worker thread.
    for (const [k, v] of Object.entries(ep.env)) process.env[k] = v;
    for (const why of unreachableOptions(provider, this.ep)) this.warnOnce(why);
    const options: InferenceSession.SessionOptions = {
      executionProviders: providers.map((p, i) => (i === 0 && ep.provider ? { name: p, ...ep.provider } : p)),
      graphOptimizationLevel: 'all',
      intraOpNumThreads: this.options.intraOpThreads,
      // onnxruntime's pool threads spin after each run; on a small machine that steals the core the event loop
      // needs to publish the frame and start the next one.
      extra: { ...ep.extra, session: { intra_op: { allow_spinning: '0' } } },
    };
    if (o.freeDimensions) options.freeDimensionOverrides = { ...o.freeDimensions };
    if (o.profile) {
      options.enableProfiling = true;
      options.profileFilePrefix = o.profile;
    }
    return this.client.create(model, options, provider, o);
  }

  private readonly warned = new Set<string>();
  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.options.log(`onnxruntime: not applied: ${message}`);
  }

  /**
   * A runtime of its own for one pipeline (sessions in `transport`, a child process for crash isolation) that
   * shares this one's provider choice, so the machine is probed once.
   */
  sibling(transport: SessionTransport): OrtRuntime {
    const twin = new OrtRuntime({ ...this.options, transport });
    twin.choice = this.choice;
    twin.choosing = this.choosing;
    twin.facts = this.facts;
    return twin;
  }

  /** Calls `listener` each time the place where sessions run goes away by itself (a crash, an exit). */
  onLost(listener: (err: Error) => void): void {
    this.client.onLost(listener);
  }

  /** The process the sessions run in, when it is not this one and it is running. */
  get pid(): number | undefined {
    return this.client.pid;
  }

  /** Asks the sessions' process to crash, hang or leak (fault injection, tests and the soak bench only). */
  injectFault(fault: ChildFault): Promise<void> {
    return this.client.fault(fault);
  }

  /** Ends the place where sessions run (sessions and kept tensors in it are gone). */
  close(): Promise<void> {
    return this.client.close();
  }

  /** Ends it at once even while a run hangs, where it can be killed (a child process); closes it otherwise. */
  kill(): Promise<void> {
    return this.client.kill();
  }
}
