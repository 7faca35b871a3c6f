import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { OrtWorker } from './worker-session';
import type { OrtSession, PlainTensor } from './worker-session';

type Ort = typeof OrtModule;

export interface OrtRuntimeOptions {
  /** Threads for one operator; 0 lets onnxruntime choose (one per core). */
  intraOpThreads: number;
  /** Run sessions in a worker thread, so a render never blocks the event loop (sockets, outputs). */
  worker: boolean;
}

const defaults: OrtRuntimeOptions = { intraOpThreads: 0, worker: true };

/** Owns the onnxruntime module and the execution-provider choice; pipelines get sessions from it. */
export class OrtRuntime {
  readonly options: OrtRuntimeOptions;
  private ort: Ort | undefined;
  private worker: OrtWorker | undefined;

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

  /** Execution provider used for new sessions. */
  get executionProvider(): string {
    return 'cpu';
  }

  /** Creates an inference session from a model file path or its bytes, in the worker thread by default. */
  async createSession(model: string | Uint8Array): Promise<OrtSession> {
    const options: InferenceSession.SessionOptions = {
      executionProviders: [this.executionProvider],
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
