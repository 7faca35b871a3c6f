/**
 * The messages between the runtime and the place where sessions run (a worker thread today; a child process or
 * this thread through the same server). Plain data only, so any transport that can carry structured clones can
 * carry them.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { TensorElementType, TensorLocation } from './tensor';

/** A host tensor on the wire. */
export interface WirePlain {
  kind: 'plain';
  type: string;
  dims: number[];
  data: ArrayBufferView | string[];
}

/** A tensor that stayed with the server, by id. */
export interface WireHandle {
  kind: 'handle';
  id: number;
  type: TensorElementType;
  dims: number[];
  location: TensorLocation;
}

export type WireFeed = WirePlain | { kind: 'handle'; id: number };

export interface CreateRequest {
  op: 'create';
  sid: number;
  model: string | Uint8Array;
  options: InferenceSession.SessionOptions;
  /**
   * On a WebGPU session, outputs that onnxruntime copies to the host itself; every other output stays in a GPU
   * buffer (kept as a handle, or downloaded after the run when not kept).
   */
  hostOutputs: string[];
}

export interface RunRequest {
  op: 'run';
  sid: number;
  feeds: Record<string, WireFeed>;
  keep: string[];
}

export type Request =
  | CreateRequest
  | RunRequest
  | { op: 'read'; id: number }
  | { op: 'dispose'; ids: number[] }
  | { op: 'release'; sid: number }
  | { op: 'endProfiling'; sid: number }
  | { op: 'upload'; tensor: WirePlain; gpu: boolean }
  | { op: 'fault'; fault: ChildFault }
  | { op: 'shutdown' };

/**
 * A fault the sessions' process brings on itself when fault injection is on (tests and the soak bench only): a
 * native abort, a hang that blocks the whole process, or memory that is never given back.
 */
export type ChildFault =
  | { kind: 'crash' }
  | { kind: 'hang'; ms: number }
  | { kind: 'leak'; megabytes: number }
  /** Writes garbage over the whole of its replies' shared memory, as a child dying mid-write leaves it, and aborts. */
  | { kind: 'scribble' };

export interface CreateReply {
  inputNames: string[];
  outputNames: string[];
}

export interface RunReply {
  outputs: Record<string, WirePlain | WireHandle>;
}

/** What each request answers. */
export interface Replies {
  create: CreateReply;
  run: RunReply;
  read: { tensor: WirePlain };
  dispose: Record<string, never>;
  release: Record<string, never>;
  /** The profile file onnxruntime wrote (JSON trace events). */
  endProfiling: { file: string };
  upload: { handle: WireHandle };
  fault: Record<string, never>;
  shutdown: Record<string, never>;
}

/** A reply with the buffers a transport may move instead of copying. */
export interface Answer<T> {
  value: T;
  transfer: ArrayBuffer[];
}
