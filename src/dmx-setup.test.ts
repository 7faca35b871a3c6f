import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDmxLayout } from './dmx-setup';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function file(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scope-dmx-layout-'));
  dirs.push(dir);
  const path = join(dir, 'wall.json');
  await writeFile(path, text);
  return path;
}

describe('--dmx-layout', () => {
  it('reads a layout with its defaults filled in', async () => {
    const path = await file('{"protocol":"sacn","fixtures":[{"kind":"grid","universe":1,"columns":32,"rows":18}]}');
    expect(await readDmxLayout(path)).toEqual({
      protocol: 'sacn',
      fixtures: [
        {
          kind: 'grid',
          universe: 1,
          address: 1,
          mode: 'rgb',
          columns: 32,
          rows: 18,
          x: 0,
          y: 0,
          width: 1,
          height: 1,
          order: 'rows',
        },
      ],
    });
  });

  it.each([
    ['missing', null, 'cannot read'],
    ['not JSON', '{fixtures:', 'is not JSON'],
    ['a grid without rows', '{"fixtures":[{"kind":"grid","universe":1,"columns":2}]}', 'fixtures.0.rows'],
    ['an unknown option', '{"fps":60}', 'is not a DMX layout'],
  ])('a file %s stops the start with a sentence', async (_what, text, sentence) => {
    const path = text === null ? join(tmpdir(), 'no-such-dmx-layout.json') : await file(text);
    await expect(readDmxLayout(path)).rejects.toThrow(sentence);
  });
});
