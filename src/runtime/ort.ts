import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';

type Ort = typeof OrtModule;

export interface OrtRuntimeOptions {
  /** Threads for one operator; 0 lets onnxruntime choose (one per core). */
  intraOpThreads: number;
}

const defaults: OrtRuntimeOptions = { intraOpThreads: 0 };

/** Owns the onnxruntime module and the execution-provider choice; pipelines get sessions from it. */
export class OrtRuntime {
  readonly options: OrtRuntimeOptions;
  private ort: Ort | undefined;

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

  /** Creates an inference session from a model file path or its bytes. */
  async createSession(model: string | Uint8Array): Promise<InferenceSession> {
    const ort = await this.module();
    const options: InferenceSession.SessionOptions = {
      executionProviders: [this.executionProvider],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: this.options.intraOpThreads,
    };
    return typeof model === 'string'
      ? ort.InferenceSession.create(model, options)
      : ort.InferenceSession.create(model, options);
  }
}
