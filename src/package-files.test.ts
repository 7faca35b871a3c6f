import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Tests and the helpers only tests use: `*.test.ts(x)`, or a name that starts with `test-` (docs/architecture.md). */
export const testOnly = (path: string) => /\.test\.tsx?$/.test(path) || /(^|\/)test-[^/]*\.tsx?$/.test(path);

/** Relative specifiers of static and dynamic imports, re-exports, and files started by URL (child processes). */
const SPECIFIERS = [
  /\bfrom\s+'(\.{1,2}\/[^']+)'/g,
  /\bimport\s*\(\s*'(\.{1,2}\/[^']+)'\s*\)/g,
  /\bimport\s+'(\.{1,2}\/[^']+)'/g,
  // A file started by URL (a folder such as ../web/dist is served or built at run time, not imported).
  /new URL\(\s*'(\.{1,2}\/[^']+\.(?:ts|mjs|js|json))',\s*import\.meta\.url/g,
];
const CANDIDATES = ['', '.ts', '.tsx', '.mjs', '.js', '/index.ts', '/index.tsx'];

/** One sentence per shipped source file that imports (or starts) a relative path the package does not hold. */
export function danglingImports(files: string[], read: (path: string) => string): string[] {
  const shipped = new Set(files);
  const problems: string[] = [];
  for (const file of files.filter((f) => /\.(ts|tsx|mjs)$/.test(f))) {
    const text = read(file);
    const seen = new Set<string>();
    for (const pattern of SPECIFIERS)
      for (const [, spec] of text.matchAll(pattern)) {
        if (seen.has(spec!)) continue;
        seen.add(spec!);
        const base = posix.normalize(posix.join(posix.dirname(file), spec!.replace(/\.js$/, '')));
        if (!CANDIDATES.some((ext) => shipped.has(base + ext)))
          problems.push(`${file} imports ${spec}, which is not shipped`);
      }
  }
  return problems;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The files `npm publish` would ship, as npm itself lists them (no lifecycle scripts run). */
function packed(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pack] = JSON.parse(out) as [{ files: { path: string }[] }];
  return pack.files.map((f) => f.path);
}

describe('the published package', () => {
  const files = packed();
  const read = (path: string) => readFileSync(join(root, path), 'utf8');

  it('ships the server, its pipelines and helper processes, and no test or test helper', () => {
    for (const needed of ['src/bin.mjs', 'src/plugin.ts', 'src/runtime/ort-child.mjs', 'control/tempo/link-peer.mjs'])
      expect(files).toContain(needed);
    expect(files).toContain('pipelines/test-pattern/pattern.ts');
    expect(files.filter(testOnly)).toEqual([]);
  });

  it('has no shipped file that imports or starts a file left out', () => {
    expect(danglingImports(files, read)).toEqual([]);
  });
});

describe('danglingImports', () => {
  const source: Record<string, string> = {
    'a/main.ts':
      "import { x } from './x';\nimport type { Y } from '../b/y';\nconst w = new URL('./w.mjs', import.meta.url);",
    'a/x.ts': "export * from './gone';",
    'b/y.ts': "import pkg from '../package.json' with { type: 'json' };",
    'a/w.mjs': "await import('./lazy.mjs');",
  };
  const read = (path: string) => source[path] ?? '';

  it('names each shipped file whose relative import or spawned file is not shipped', () => {
    const shipped = ['package.json', 'a/main.ts', 'a/x.ts', 'a/w.mjs'];
    expect(danglingImports(shipped, read)).toEqual([
      'a/main.ts imports ../b/y, which is not shipped',
      'a/x.ts imports ./gone, which is not shipped',
      'a/w.mjs imports ./lazy.mjs, which is not shipped',
    ]);
  });

  it('finds nothing when everything imported is shipped', () => {
    const shipped = ['package.json', 'a/main.ts', 'a/x.ts', 'a/gone/index.ts', 'b/y.ts', 'a/w.mjs', 'a/lazy.mjs'];
    expect(danglingImports(shipped, read)).toEqual([]);
  });

  it('treats tests and test- helpers as test-only, and the test-pattern pipeline as production', () => {
    expect(
      ['a/b.test.ts', 'web/src/c.test.tsx', 'src/server/test-support.ts', 'web/src/test-support.tsx'].every(testOnly),
    ).toBe(true);
    expect(
      ['pipelines/test-pattern/pattern.ts', 'pipelines/test-pattern/frame-code.ts', 'docs/testing.md'].some(testOnly),
    ).toBe(false);
  });
});
