import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkEnvironment, fill, generated, parts, region } from '../tools/gen-docs';

describe('the generated parts of docs/ match the code', () => {
  it.each(parts.map((p) => [p.file, p] as const))('%s', async (_file, part) => {
    checkEnvironment();
    const { path, text } = await generated(part);
    // On a mismatch: run `npx tsx tools/gen-docs.ts` and commit what it writes.
    expect(region(readFileSync(path, 'utf8'), part)).toBe(region(text, part));
  });

  it('says which markers are missing instead of writing the part somewhere else', () => {
    expect(() => fill('# no markers here\n', parts[0]!)).toThrow(/has no "<!-- generated:flags begin/);
  });

  it('refuses an environment that changes the defaults the docs show', () => {
    expect(() => checkEnvironment({ DAYDREAM_SCOPE_TINY: '1' })).toThrow(/unset it/);
  });
});
