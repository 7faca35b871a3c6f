import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'pipelines/**/*.test.ts',
      'control/**/*.test.ts',
      'outputs/**/*.test.ts',
      'web/**/*.test.ts',
      'web/**/*.test.tsx',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // onnxruntime sessions and real sockets: keep the 2-core CI machine from oversubscribing.
    maxWorkers: 2,
  },
});
