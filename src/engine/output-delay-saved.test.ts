import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { solidPipeline } from './test-support';
import { startTestScope } from '../server/test-support';
import type { ScopeOptions } from '../scope-options';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function server(configDir: string, options: Partial<ScopeOptions> = {}) {
  const scope = await startTestScope({
    pipelines: [solidPipeline()],
    pipeline: 'solid',
    oscPort: null,
    oscQueryPort: null,
    midi: false,
    clock: new ManualClock(),
    configDir,
    ...options,
  });
  cleanup.push(() => scope.stop());
  return async (method: string, body?: unknown) => {
    const res = await fetch(`${scope.url}/api/v1/output-delay`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { error?: { message: string } },
    };
  };
}

describe('the output delay on a real server', () => {
  it('is what the next start holds; --output-delay wins for that start; a failed save changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scope-delay-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const first = await server(dir);
    expect((await first('PUT', { ms: 120 })).status).toBe(200);

    // A second server on the same settings starts as the first left them.
    const second = await server(dir);
    expect((await second('GET')).body).toMatchObject({ unit: 'ms', value: 120 });
    const flagged = await server(dir, { outputDelay: { beats: 1 } });
    expect((await flagged('GET')).body).toMatchObject({ unit: 'beats', value: 1, ms: 500 });

    // The file becomes a folder with something in it: the save fails, the delay stays as the file has it.
    await rm(join(dir, 'output-delay.json'));
    await mkdir(join(dir, 'output-delay.json', 'blocked'), { recursive: true });
    const refused = await second('PUT', { ms: 300 });
    expect(refused.status).toBe(507);
    expect(refused.body.error?.message).toMatch(/could not save the output delay/);
    expect((await second('GET')).body).toMatchObject({ unit: 'ms', value: 120 });
  });
});
