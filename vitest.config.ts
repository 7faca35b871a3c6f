import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests never read or write the user's settings and models: each run gets folders of its own.
const scratch = join(tmpdir(), `daydream-scope-test-${process.pid}`);

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'pipelines/**/*.test.ts',
      'control/**/*.test.ts',
      'outputs/**/*.test.ts',
      'inputs/**/*.test.ts',
      'examples/**/*.test.ts',
      'web/**/*.test.ts',
      'web/**/*.test.tsx',
      'docs/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // onnxruntime sessions and real sockets: keep the 2-core CI machine from oversubscribing.
    maxWorkers: 2,
    env: {
      DAYDREAM_SCOPE_CONFIG_DIR: join(scratch, 'config'),
      DAYDREAM_SCOPE_MODELS_DIR: join(scratch, 'models'),
      DAYDREAM_SCOPE_MIDI: 'off',
    },
  },
});
