import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { chooseExecutionProvider, probeFacts } from './providers';
import { OrtWorker } from './worker-session';
import type { DeviceRequest, ProviderChoice, ProviderFacts } from './providers';
import type { OrtSession, PlainTensor } from './worker-session';

type Ort = typeof OrtModule;

export interface OrtRuntimeOptions {
  /** Threads for one operator; 0 lets onnxruntime choose (one per core). */
  intraOpThreads: number;
  /** Run sessions in a worker thread, so a render never blocks the event loop (sockets, outputs). */
  worker: boolean;
  /** Execution provider asked for (`--device`); `auto` picks the best one this machine and build offer. */
  device: DeviceRequest;
  /** Facts the choice rests on; probed on first use when not given (tests pass them). */
  facts: ProviderFacts | (() => Promise<ProviderFacts>);
  /** Where the choice and any fallback are told. */
  log: (message: string) => void;
}

const defaults: OrtRuntimeOptions = {
  intraOpThreads: 0,
  worker: true,
  device: 'auto',
  facts: () => probeFacts(),
  log: () => {},
};

/** Owns the onnxruntime module and the execution-provider choice; pipelines get sessions from it. */
export class OrtRuntime {
  readonly options: OrtRuntimeOptions;
  private ort: Ort | undefined;
  private worker: OrtWorker | undefined;
  private choice: ProviderChoice | undefined;
  private choosing: Promise<ProviderChoice> | undefined;

  constructor(options: Partial<OrtRuntimeOptions> = {}) {
    this.options = { ...defaults, ...options } satisfies OrtRuntimeOptions;
  }

  /** The onnxruntime-node module, loaded on first use so that the server starts even where it cannot load. */
  async module(): Promise<Ort> {
    if (!this.ort) {
      try {
        this.ort = await import('onnxruntime-node');
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

  /** The choice with its reason, for status; null before it is made. */
  providerStatus(): ProviderChoice | null {
    return this.choice ?? null;
  }

  /** Chooses the execution providers once (probing the machine unless facts were given) and logs why. */
  provider(): Promise<ProviderChoice> {
    this.choosing ??= (async () => {
      const { facts } = this.options;
      const choice = chooseExecutionProvider(this.options.device, typeof facts === 'function' ? await facts() : facts);
      this.choice = choice;
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
  async createSession(model: string | Uint8Array): Promise<OrtSession> {
    const choice = await this.provider();
    try {
      return await this.openSession(model, choice.providers);
    } catch (err) {
      if (choice.provider === 'cpu') throw err;
      const session = await this.openSession(model, ['cpu']);
      const gpuLibs =
        choice.provider === 'cuda' || choice.provider === 'tensorrt'
          ? ' (the CUDA provider needs the CUDA 12 and cuDNN 9 libraries on the library path, TensorRT also the TensorRT libraries)'
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

  private async openSession(model: string | Uint8Array, providers: readonly string[]): Promise<OrtSession> {
    const options: InferenceSession.SessionOptions = {
      executionProviders: [...providers],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: this.options.intraOpThreads,
      // onnxruntime's pool threads spin after each run; on a small machine that steals the core the event loop
      // needs to publish the frame and start the next one.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    if (this.options.worker) {
      this.worker ??= new OrtWorker();
      return this.worker.createSession(model, options);
    }
    const ort = await this.module();
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, options)
        : await ort.InferenceSession.create(model, options);
    let released = false;
    return {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      run: async (feeds) => {
        if (released) throw new Error('session was released');
        const tensors: Record<string, InstanceType<Ort['Tensor']>> = {};
        for (const [k, t] of Object.entries(feeds)) tensors[k] = toTensor(ort, t);
        return (await session.run(tensors)) as unknown as Record<string, PlainTensor>;
      },
      release: async () => {
        if (released) return;
        released = true;
        await session.release();
      },
    };
  }

  /** Ends the worker thread (sessions in it are gone). */
  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

function toTensor(ort: Ort, t: PlainTensor) {
  return new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
}
