/**
 * Every environment variable of the server's own, once: those that stand in for a flag (the flag table,
 * src/flags.ts, names them in its `env` fields) and those that have no flag. Code reads them through `scopeEnv`,
 * never as `process.env.X`, so this list is the whole of them (src/flag-env.test.ts checks the source tree) and
 * docs/cli.md is generated from it. A leaf module: pipelines, the runtime's children and the options' defaults
 * read it where no flag value can reach (a pipeline's defaults, a child process).
 */

export interface EnvVar {
  /** What it does, as docs/cli.md shows it. */
  help: string;
  /** The value that switches it on, for a switch (`1`, `off`). */
  value?: string;
  /** Whether a flag of the table takes it when the flag is not given. */
  flag: boolean;
}

export const SCOPE_ENV = {
  PIPELINE: { flag: true, help: 'the pipeline loaded at start (`--pipeline`)' },
  DAYDREAM_SCOPE_DEVICE: { flag: true, help: 'the execution provider asked for (`--device`, and `model-check`)' },
  DAYDREAM_SCOPE_MEMORY_BUDGET: { flag: true, help: 'the memory budget (`--memory-budget`)' },
  DAYDREAM_SCOPE_MIDI: { flag: true, value: 'off', help: 'no MIDI control (`--no-midi`); the test run sets it' },
  DAYDREAM_SCOPE_WHIP_TOKEN: { flag: true, help: 'the WHIP push bearer token (`--whip-token`)' },
  DAYDREAM_SCOPE_NATS: { flag: true, help: 'the show server to join (`--nats`)' },
  DAYDREAM_SCOPE_NATS_CREDS: { flag: true, help: 'the NATS credentials file (`--nats-creds`)' },
  DAYDREAM_SCOPE_CONFIG_DIR: {
    flag: false,
    help: 'the config dir (presets, MIDI mappings, cues, takes, recordings, the LAN token); `~/.daydream-scope` when unset',
  },
  DAYDREAM_SCOPE_MODELS_DIR: {
    flag: false,
    help: 'where model files live; `~/.daydream-scope/models` when unset (`download --dir` for one command)',
  },
  // Read by src/runtime/ort-core.ts in the server, its worker thread and its pipeline processes alike.
  DAYDREAM_SCOPE_ORT_CORE: {
    flag: false,
    help: 'a core made by `daydream-scope cuda-core` (onnxruntime 1.29 with CUDA), loaded instead of the bundled onnxruntime-node ([gpu.md](gpu.md#cuda-through-a-core-assembled-from-npm))',
  },
  // Passed on to the pipeline processes by src/runtime/child-transport.ts; src/runtime/ort-child.mjs, plain
  // JavaScript run without the TypeScript loader, reads it there directly (the one reader outside scopeEnv).
  DAYDREAM_SCOPE_FAULTS: {
    flag: false,
    value: '1',
    help: 'fault injection for tests and the soak bench ([operations.md](operations.md#fault-injection-tests-and-the-soak-bench)); never a flag',
  },
  // Set by src/runtime/child-transport.ts for each pipeline process it starts, read there by ort-child.mjs.
  DAYDREAM_SCOPE_SHARED_PATH: {
    flag: false,
    help: 'internal: the shared-memory file a pipeline process maps (set by the server for its children, never by hand)',
  },
  DAYDREAM_SCOPE_SHARED_BYTES: {
    flag: false,
    help: 'internal: the size of that shared-memory region (set by the server for its children)',
  },
  DAYDREAM_SCOPE_FUSIONS: {
    flag: false,
    help: 'the graph fusions applied at load: `on`, `off`, or a comma list to keep or (with `-`) switch off ([fusions.md](fusions.md))',
  },
  DAYDREAM_SCOPE_TINY: {
    flag: false,
    value: '1',
    help: 'makes the generated tiny graphs the default `model` of streamdiffusion, longlive and streamdiffusionv2',
  },
  DAYDREAM_SCOPE_DEVICE_FORMATS: {
    flag: false,
    help: 'streamdiffusion also builds these pixel layouts on the device, e.g. `i420,uyvy,bgra` ([gpu.md](gpu.md#gpu))',
  },
} as const satisfies Record<string, EnvVar>;

export type ScopeEnvName = keyof typeof SCOPE_ENV;

/** The variable's value, or undefined when unset; `env` for tests and for a child's environment. */
export function scopeEnv(name: ScopeEnvName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[name];
}
