import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runShowCommand } from './show-command';
import { startShowScope, tinyModel } from './show-file/test-scope';
import { TestHub } from './models/test-hub';
import type { ShowCommandIo } from './show-command';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  vi.unstubAllEnvs();
});

function io(): ShowCommandIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('daydream-scope show', () => {
  it('exports a running server to a file and imports it back (a round trip through the command)', async () => {
    const s = await startShowScope({ manifests: [] });
    cleanup.push(() => s.stop());
    await s.api('PUT', '/parameters/level', { value: 33 });
    await s.api('PUT', '/cues/intro', { values: { level: 5 } });
    const file = join(s.dir, 'gig.scope-show.json');

    const out = io();
    expect(await runShowCommand(['export', file, '--url', s.scope.url], out)).toBe(0);
    expect(out.lines).toEqual([`Show written to ${file}.`]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      format: 'daydream-scope-show',
      pipeline: { id: 'solid', values: { level: 33 } },
      cues: [{ name: 'intro' }],
    });

    await s.api('PUT', '/parameters/level', { value: 200 });
    await s.api('PUT', '/cues', { cues: [] });
    const back = io();
    expect(await runShowCommand(['import', file, '--url', s.scope.url], back)).toBe(0);
    expect(back.lines[0]).toMatch(new RegExp(`^Show imported from ${file}: .*pipeline.*cues`));
    expect(s.scope.services.params.get('level')).toBe(33);
    expect(s.scope.performing.service.cueState().cues.map((c) => c.name)).toEqual(['intro']);
  });

  it('says what is missing and the command that gets it, and exits 1', async () => {
    const s = await startShowScope({ manifests: [tinyModel] });
    cleanup.push(() => s.stop());
    const file = join(s.dir, 'needs-a-model.scope-show.json');
    expect(await runShowCommand(['export', file, '--url', s.scope.url], io())).toBe(0);
    const out = io();
    expect(await runShowCommand(['import', file, '--url', s.scope.url], out)).toBe(1);
    expect(out.errors).toEqual([
      `daydream-scope show: ${file} was not imported; the server lacks what the show needs:`,
      '  model tiny-model (sha256 abababababab…): not downloaded; get it with: daydream-scope download tiny-model',
      '  (or import with --download to have the server fetch the models)',
    ]);
  });

  it('with --download has the server fetch the missing model, then imports', async () => {
    const hub = await new TestHub().start();
    cleanup.push(() => hub.close());
    const bytes = Buffer.from('a tiny onnx file');
    const sha256 = hub.add('someone/tiny', 'main', 'tiny.onnx', { bytes });
    const model = { ...tinyModel, artifacts: [{ ...tinyModel.artifacts[0]!, sha256, size: bytes.length }] };
    const s = await startShowScope({ manifests: [model] });
    cleanup.push(() => s.stop());
    vi.stubEnv('HF_ENDPOINT', hub.endpoint);
    vi.stubEnv('HF_HOME', s.dir);
    vi.stubEnv('HF_TOKEN', '');
    const file = join(s.dir, 'gig.scope-show.json');
    expect(await runShowCommand(['export', file, '--url', s.scope.url], io())).toBe(0);
    await s.api('PUT', '/parameters/level', { value: 200 });

    const out = io();
    expect(await runShowCommand(['import', file, '--download', '--url', s.scope.url], out)).toBe(0);
    expect(out.lines.slice(0, 2)).toEqual(['Downloading tiny-model…', 'tiny-model is ready.']);
    expect(out.lines[2]).toMatch(/^Show imported from /);
    expect((await s.api('GET', '/models/status')).body.models).toMatchObject([{ id: 'tiny-model', state: 'ready' }]);
    expect(s.scope.services.params.get('level')).toBe(10);
  });

  it('refuses a damaged file with the server’s sentence, and bad usage with the usage', async () => {
    const s = await startShowScope();
    cleanup.push(() => s.stop());
    const file = join(s.dir, 'cut.scope-show.json');
    await writeFile(file, '{"format": "daydream-scope-show", "vers');
    const out = io();
    expect(await runShowCommand(['import', file, '--url', s.scope.url], out)).toBe(1);
    expect(out.errors[0]).toMatch(
      /was not imported: the show file is not valid JSON, perhaps cut short .*nothing was changed/,
    );

    const usage = io();
    expect(await runShowCommand(['send', file], usage)).toBe(1);
    expect(usage.errors[0]).toMatch(/expected "export <file>" or "import <file>"/);
    const missing = io();
    expect(await runShowCommand(['import', join(s.dir, 'nope.json'), '--url', s.scope.url], missing)).toBe(1);
    expect(missing.errors[0]).toMatch(/cannot read .*nope\.json/);
  });

  it('says so when no server answers', async () => {
    const out = io();
    // Port 9 (discard) on loopback: nothing of this project listens there.
    expect(await runShowCommand(['export', '/tmp/x.scope-show.json', '--url', 'http://127.0.0.1:9'], out)).toBe(1);
    expect(out.errors[0]).toMatch(/no server answered at http:\/\/127\.0\.0\.1:9 .*is it running\?/);
  });
  it('export from something that is not a scope server (a web dev server answering every path) writes nothing and exits 1', async () => {
    const web = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>'));
    await new Promise<void>((done) => web.listen(0, '127.0.0.1', done));
    cleanup.push(() => new Promise((done) => web.close(done)));
    const dir = await mkdtemp(join(tmpdir(), 'scope-show-cmd-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'gig.scope-show.json');
    const { port } = web.address() as { port: number };
    const out = io();
    expect(await runShowCommand(['export', file, '--url', `http://127.0.0.1:${port}`], out)).toBe(1);
    expect(out.lines).toEqual([]);
    expect(out.errors[0]).toMatch(/not a daydream-scope show/);
    await expect(access(file)).rejects.toThrow();
  });
  it('a --url with a user and password is refused without saying the password (the token goes in --token)', async () => {
    const out = io();
    const url = 'http://admin:hunter2@127.0.0.1:9';
    expect(await runShowCommand(['export', join(tmpdir(), 'never-written.json'), '--url', url], out)).toBe(1);
    expect(out.errors).toEqual([
      'daydream-scope show: --url carries a user and password, which are never sent; give the token with --token',
    ]);
  });
});
