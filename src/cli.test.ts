import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = new URL('./bin.mjs', import.meta.url).pathname;

interface Listed {
  id: string;
  plugin: string | null;
  params: Record<string, unknown>;
}

/** The real command in a child process, as a user types it. */
async function pipelines(...args: string[]) {
  const { stdout, stderr } = await run(process.execPath, [BIN, 'pipelines', '--json', ...args], { timeout: 60_000 });
  return { list: JSON.parse(stdout) as Listed[], stderr };
}

describe('daydream-scope pipelines', () => {
  it("lists a plugin's pipelines beside the built-ins, and says which plugin brought them", async () => {
    const { list } = await pipelines('--plugin', 'examples/plugin-kaleidoscope');
    const kaleidoscope = list.find((d) => d.id === 'kaleidoscope');
    expect(kaleidoscope).toMatchObject({ plugin: 'examples/plugin-kaleidoscope' });
    expect(Object.keys(kaleidoscope!.params)).toContain('width');
    expect(list.find((d) => d.id === 'neural-field')).toMatchObject({ plugin: null });
  }, 60_000);

  it('a plugin that cannot load is said on stderr; the list still comes out', async () => {
    const { list, stderr } = await pipelines('--plugin', 'no/such/plugin');
    expect(stderr).toMatch(/plugin no\/such\/plugin not loaded: no such file or folder/);
    expect(list.map((d) => d.id)).toContain('neural-field');
    expect(list.map((d) => d.id)).not.toContain('kaleidoscope');
  }, 60_000);
});
