/**
 * The inference-backend seam: everything a pipeline asks of the place its graphs run. "Open this graph, run it on
 * these tensors, keep these results where they are, bring that one back." OrtRuntime (onnxruntime-node in a worker
 * thread, on this machine's CPU or GPU) is today's backend; a remote one (a GPU box speaking Triton's KServe v2
 * protocol, see README "Bigger shows") implements the same interface, and no pipeline changes.
 */
import type { ProviderChoice } from './providers';
import type { TransferCounts } from './session-client';
import type { OrtSession, SessionOptions } from './session';
import type { PlainTensor, TensorHandle } from './tensor';

export interface InferenceBackend {
  /** Where new sessions run (`cpu`, `cuda`, `webgpu`, …); pipelines choose their model sizes by it. */
  readonly executionProvider: string;
  /** The choice of where sessions run, with its reason, for status; null before it is made. */
  providerStatus(): ProviderChoice | null;
  /** Makes that choice once (probing, connecting) and says why. */
  provider(): Promise<ProviderChoice>;
  /** Opens a graph (an ONNX file path or its bytes; a remote backend may take a model name it serves). */
  createSession(model: string | Uint8Array, options?: Partial<SessionOptions>): Promise<OrtSession>;
  /** Brings a kept tensor to this process. */
  read(handle: TensorHandle): Promise<PlainTensor>;
  /** Keeps a tensor where the sessions run, for data many runs share. */
  upload(tensor: PlainTensor): Promise<TensorHandle>;
  /** Frees kept tensors. */
  release(handles: TensorHandle | readonly TensorHandle[]): Promise<void>;
  /** Copies between this process and where the sessions run, since the start. */
  transfers(): TransferCounts;
  /** Live kept tensors and their bytes. */
  handleStats(): { count: number; bytes: number };
  /** Ends the sessions and the kept tensors. */
  close(): Promise<void>;
}
