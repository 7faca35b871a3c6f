import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiPaths, apiUrl, fillPath, rootPaths } from './api-paths';

/** Every production source file of the panel. */
async function panelSources(dir = join(import.meta.dirname, '../../web/src')): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((e) => (e.isDirectory() ? panelSources(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return files.flat().filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$|[/\\]test-[^/\\]*$/.test(f));
}

describe('the API paths the panel calls', () => {
  it('fills parameters in, each encoded as one segment', () => {
    expect(apiUrl(apiPaths.preset, { name: 'a/b c' })).toBe('/api/v1/presets/a%2Fb%20c');
    expect(apiUrl(apiPaths.inputRestart, { id: 'cam' })).toBe('/api/v1/inputs/cam/restart');
    expect(apiUrl(apiPaths.pipelines)).toBe('/api/v1/pipelines');
    expect(fillPath(rootPaths.whipSlot, { slot: 'screen' })).toBe('/whip/screen');
  });

  it('come from the table only: no panel file spells an API path out', async () => {
    const spelled: string[] = [];
    for (const file of await panelSources()) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        // Comments may name a route for the reader; code must take it from src/shared/api-paths.ts.
        const code = line.replace(/\/\/.*$|^\s*\*.*$|<p[^>]*>.*<\/p>/, '');
        if (/['"`]\/(api\/v1|whep|whip|output)\b/.test(code)) spelled.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(spelled).toEqual([]);
  });
});
