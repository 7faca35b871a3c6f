import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The house (docs/architecture.md) as lint rules: a wrong-way import fails lint, not review. The composition root
 * (the files directly in src/) may import anything; tests and test-only helpers (the one naming convention: a
 * name starting with test-, which no production file has) are exempt.
 */
const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/test-*.ts', '**/test-*.tsx'];
const layer = (pattern, message) => ({ group: pattern, message });
const away = (...dirs) =>
  dirs.map((d) =>
    layer(
      [`**/${d}/*`, `**/${d}/**`, `../${d}`, `../../${d}`],
      `${d}/ is not imported from here (docs/architecture.md)`,
    ),
  );
const notServer = layer(
  ['**/src/server', '**/src/server/*'],
  "src/server is the root's to wire; this room reaches it only through what the root hands it (docs/architecture.md)",
);
// The perform room is one folder with one door: outside src/perform it is imported through its index.ts.
const performIndex = layer(
  ['**/perform/*', '**/perform/**'],
  'the perform room is imported through src/perform (its index.ts), not its files (docs/architecture.md)',
);
const restrict = (files, patterns) => ({
  files,
  ignores: TESTS,
  rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, performIndex] }] },
});

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'web/dist', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  // The root may import anything, but the perform room only through its door.
  restrict(['src/*.ts'], []),
  // The core knows no control surface, sink, source, pipeline or panel.
  restrict(['src/*/**/*.ts'], away('control', 'outputs', 'inputs', 'pipelines', 'web')),
  // The kernel knows no transport either.
  restrict(
    ['src/kernel/**/*.ts'],
    [
      ...away('control', 'outputs', 'inputs', 'pipelines', 'web'),
      layer(['../server/*', 'hono', 'hono/*', 'ws', 'node:http'], 'the kernel is transport-free; the server maps it'),
    ],
  ),
  // What the panel may share: nothing but itself and zod.
  restrict(['src/shared/**/*.ts'], [layer(['../*', '!./*'], 'src/shared imports only src/shared (the panel uses it)')]),
  // The rooms at the edge import the core, never each other and never the HTTP server: the root mounts what
  // they bring.
  restrict(['control/**/*.ts'], [...away('outputs', 'inputs', 'pipelines', 'web'), notServer]),
  restrict(['outputs/**/*.ts'], [...away('control', 'inputs', 'pipelines', 'web'), notServer]),
  restrict(['inputs/**/*.ts'], [...away('control', 'outputs', 'pipelines', 'web'), notServer]),
  restrict(['pipelines/**/*.ts'], [...away('control', 'outputs', 'inputs', 'web'), notServer]),
  // The panel talks to the server over HTTP/WebSocket and shares types only through src/shared.
  restrict(
    ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    [
      layer(['**/src/*', '!**/src/shared', '!**/src/shared/*'], 'the panel imports only src/shared from the server'),
      ...away('control', 'outputs', 'inputs', 'pipelines'),
    ],
  ),
);
