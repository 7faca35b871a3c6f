/** The pipeline host's status and options (host.ts). */
import type { PreprocessorFactory } from './preprocessor';
import type { Clock } from './clock';
import type { FaultPlan } from './faults';
import type { LoadedPipeline } from './loaded-pipeline';
import type { PipelineRegistry, ResolutionDefaults } from './registry';
import type { PreflightCheck } from './preflight';
import type { Phase, Transition } from './watchdog';
import type { ParamStore } from '../params/store';
import type { OrtRuntime } from '../runtime/ort';

export type PipelineState = 'idle' | 'loading' | 'ready' | 'error';

export interface PipelineStatus {
  state: PipelineState;
  /** The watchdog's phase (watchdog.ts): finer than `state`. */
  phase: Phase;
  /** Why it is in this phase, as a sentence. */
  reason: string;
  pipelineId: string | null;
  stage: string | null;
  progress: number | null;
  error: { message: string; during: 'load' | 'render'; at: string; consecutive: number } | null;
  /** Milliseconds until the failed pipeline is tried again, when it failed. */
  retryInMs: number | null;
  loadedAt: string | null;
  executionProvider: string;
  /** Why that provider: what was asked for and what this machine and onnxruntime build offer. */
  executionProviderReason: string | null;
  /** The last changes of phase, oldest first, each with its reason. */
  transitions: Transition[];
  /** Pipelines kept loaded for an instant switch, least recently used first. */
  warm: string[];
  /**
   * Each a sentence: nodes of its files that run on the CPU provider (its preflight's notes), then what it could not
   * do live (a LoRA change refused; gone once it could).
   */
  warnings: string[];
  /** The last load that failed after its preflight and fell back to the pipeline before; cleared by the next load. */
  lastLoadError: LoadError | null;
}

/** A load that passed its preflight, then failed; the pipeline that ran before it went on. */
export interface LoadError {
  pipelineId: string;
  /** When it failed: loading (a session refused), its first render, or its process died before a good frame. */
  phase: 'load' | 'first render' | 'process';
  message: string;
  /** Wall-clock time, ISO 8601. */
  at: string;
}

export interface PipelineHostOptions {
  registry: PipelineRegistry;
  params: ParamStore;
  /** The runtime pipelines share, and whose provider choice the status shows. */
  runtime: OrtRuntime;
  resolution: ResolutionDefaults;
  /** The engine's clock: the watchdog, the backoff and the reload debounce run on it. Real time by default. */
  clock?: Clock;
  log?: (message: string) => void;
  /** Wait after a load-time parameter change before reloading, so a dragged slider reloads once. */
  reloadDebounceMs?: number;
  /** Consecutive render failures after which the pipeline is unloaded and loaded afresh. */
  reloadAfterFailures?: number;
  /** A render still running after this long is abandoned and counted as a failure. */
  renderTimeoutMs?: number;
  /**
   * A runtime of its own for each loaded pipeline (crash isolation: its sessions in a child process, ended when
   * it is unloaded); without it, every pipeline uses `runtime`.
   */
  runtimeFor?: (pipelineId: string) => OrtRuntime;
  /** Pipelines kept warm (loaded, idle) after a switch away, for an instant switch back. */
  warm?: number;
  /** Fault injection (tests and the soak bench only). */
  faults?: FaultPlan;
  /**
   * Asked before a load whether it fits the memory budget: throws a sentence saying what to free when it cannot,
   * else answers how many warm pipelines (least recently used first) to unload before it starts.
   */
  admit?: (request: LoadRequest) => number;
  /** Checks run after the built-in preflight checks (preflight.ts), in order, before anything is unloaded. */
  preflightChecks?: readonly PreflightCheck[];
  /** Told after each load how much memory the pipeline took (for the next admission). */
  loaded?: (p: LoadedPipeline) => void;
  /** The pre-processor chain between the input and every pipeline that takes it (`preprocess` and its knobs). */
  preprocess?: PreprocessorFactory;
}

/** A load about to start, as the memory budget sees it. */
export interface LoadRequest {
  id: string;
  key: string;
  /** The active pipeline (it leaves, unless it is the one reloading) and the warm ones, least recently used first. */
  active: LoadedPipeline | undefined;
  warm: readonly LoadedPipeline[];
}
