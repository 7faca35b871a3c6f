import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCOPE_ENV } from './flag-env';
import { FLAGS } from './flags';

const root = resolve(import.meta.dirname, '..');
const folders = ['src', 'control', 'inputs', 'outputs', 'pipelines', 'tools', 'bin'];

/** The project's source files (tests included), as paths relative to the root. */
function sources(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|mjs|js|cjs)$/.test(e.name) ? [path] : [];
  });
}

const files = folders.flatMap(sources).map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));

describe('the environment variables', () => {
  it('every DAYDREAM_SCOPE_* name in the source is in the table', () => {
    const named = new Set(files.flatMap((f) => f.text.match(/DAYDREAM_SCOPE_[A-Z0-9_]*[A-Z0-9]/g) ?? []));
    expect([...named].filter((name) => !(name in SCOPE_ENV))).toEqual([]);
    expect(named.size).toBeGreaterThan(5);
  });

  it('no code reads one but through scopeEnv (the one reader outside it is the plain-JavaScript child)', () => {
    const reads = files
      // Test-only files (*.test.ts and the test-*.ts helpers, as eslint.config.js names them) may set the variables.
      .filter((f) => !f.path.endsWith('.test.ts') && !/(^|\/)test-[^/]*\.ts$/.test(f.path))
      .filter((f) => /env\.DAYDREAM_SCOPE_|env\[['"`]DAYDREAM_SCOPE_|env\.PIPELINE\b/.test(f.text))
      .map((f) => relative(root, join(root, f.path)));
    expect(reads).toEqual([join('src', 'runtime', 'ort-child.mjs')]);
  });

  it('those that stand in for a flag are named by a flag, and each flag names one of the table', () => {
    for (const f of FLAGS) if (f.env) expect(SCOPE_ENV[f.env].flag, f.env).toBe(true);
    const ofFlags = Object.entries(SCOPE_ENV).filter(([, v]) => v.flag);
    for (const [name] of ofFlags) {
      expect(
        FLAGS.some((f) => f.env === name || f.help.includes(name)),
        name,
      ).toBe(true);
    }
  });
});
