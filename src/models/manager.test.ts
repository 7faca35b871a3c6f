import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DownloadError } from './hub';
import { ModelManager } from './manager';
import { TestHub, testBytes } from './test-hub';
import type { ModelManagerOptions } from './manager';
import type { ModelsStatus } from './status';
import type { ModelManifest } from './manifest';

const SIZE = 300_000;
const RESOLVE = '/acme/tiny/resolve/main/unet/model.onnx';
let hub: TestHub;
let dir: string;
let source: Buffer;
let logs: string[];

const tiny = (over: Partial<ModelManifest['artifacts'][number]> = {}): ModelManifest => ({
  id: 'tiny',
  pipeline: 'test-pipe',
  description: 'a tiny test model',
  artifacts: [{ repo: 'acme/tiny', revision: 'main', file: 'unet/model.onnx', role: 'UNet', size: SIZE, ...over }],
});

function manager(manifests: ModelManifest[] = [tiny()], over: Partial<ModelManagerOptions> = {}) {
  return new ModelManager({
    manifests,
    dir,
    env: { HF_ENDPOINT: hub.endpoint, HF_HOME: dir },
    log: (m) => logs.push(m),
    // Failures are tried again at once here; the pauses themselves are tested in retry.test.ts.
    retry: { delaysMs: [0], attempts: 3 },
    ...over,
  });
}
const dest = () => join(dir, 'acme', 'tiny', 'unet', 'model.onnx');
const part = () => `${dest()}.incomplete`;
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e as DownloadError,
  );

beforeEach(async () => {
  hub = await new TestHub().start();
  dir = mkdtempSync(join(tmpdir(), 'models-'));
  source = testBytes(SIZE);
  hub.add('acme/tiny', 'main', 'unet/model.onnx', { bytes: source });
  logs = [];
});
afterEach(() => hub.close());

describe('ModelManager downloads', () => {
  it('downloads through the CDN redirect, checks the Hub sha256 and installs the file', async () => {
    const m = manager();
    expect((await m.modelStatus('tiny')).state).toBe('missing');
    const status = await m.download('tiny');
    expect(status.state).toBe('ready');
    expect(status.files[0]).toMatchObject({ present: SIZE, size: SIZE, state: 'ready' });
    expect(readFileSync(dest()).equals(source)).toBe(true);
    expect(existsSync(part()) || existsSync(`${dest()}.lock`)).toBe(false);
    expect(logs.join('\n')).toMatch(/checked by sha256 \(Hub\)/);
  });

  it('resumes by itself when the connection drops, from where it stopped, to identical bytes', async () => {
    hub.dropFirstOfEach = 120_000;
    const m = manager([tiny()], { retry: { delaysMs: [0] } });
    expect((await m.download('tiny')).state).toBe('ready');
    const cdn = hub.requests.filter((r) => r.server === 'cdn');
    expect(cdn).toHaveLength(2);
    expect(cdn[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(cdn[1]!.range!.slice(6, -1))).toBeGreaterThan(0);
    expect(readFileSync(dest()).equals(source)).toBe(true);
    expect(logs.join('\n')).toMatch(/the transfer broke off; resuming in 0 s \(try 2 of 8\)/);
    expect(logs.join('\n')).toMatch(/resumed at/);
  });

  it('gives up after its attempts with the resume sentence, and the next run resumes', async () => {
    hub.cutAfter = 120_000;
    const m = manager([tiny()], { retry: { attempts: 1 } });
    const err = await rejection(m.download('tiny'));
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(
      /stopped after .* of 300 kB .*partial file is kept: run "daydream-scope download tiny" again/,
    );
    const kept = statSync(part()).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(SIZE);
    expect(existsSync(dest())).toBe(false);
    const before = await m.modelStatus('tiny');
    expect(before).toMatchObject({ state: 'error', progress: { bytes: kept } });
    expect(before.files[0]!.state).toBe('partial');

    expect((await m.download('tiny')).state).toBe('ready');
    expect(hub.requests.filter((r) => r.server === 'cdn').at(-1)!.range).toBe(`bytes=${kept}-`);
    expect(readFileSync(dest()).equals(source)).toBe(true);
  });

  it('starts over when the server ignores the Range', async () => {
    mkdirSync(join(dir, 'acme', 'tiny', 'unet'), { recursive: true });
    writeFileSync(part(), source.subarray(0, 1000));
    hub.ignoreRange = true;
    expect((await manager().download('tiny')).state).toBe('ready');
    expect(readFileSync(dest()).equals(source)).toBe(true);
    expect(logs.join('\n')).toMatch(/does not resume downloads; starting over/);
  });

  it('installs a part that is already whole when the server answers 416', async () => {
    mkdirSync(join(dir, 'acme', 'tiny', 'unet'), { recursive: true });
    writeFileSync(part(), source);
    expect((await manager().download('tiny')).state).toBe('ready');
    expect(hub.requests.at(-1)!.range).toBe(`bytes=${SIZE}-`);
    expect(readFileSync(dest()).equals(source)).toBe(true);
  });

  it('rejects a corrupt file, deletes the part and renames nothing', async () => {
    hub.add('acme/tiny', 'main', 'unet/model.onnx', { bytes: source, sha256: 'ab'.repeat(32) });
    const err = await rejection(manager().download('tiny'));
    expect(err.kind).toBe('checksum');
    expect(err.message).toMatch(
      /is corrupt: its sha256 is [0-9a-f]{64}, expected (ab){32}\. The downloaded file was deleted/,
    );
    expect(existsSync(part())).toBe(false);
    expect(existsSync(dest())).toBe(false);
  });

  it('checks a sha256 pinned in the manifest, and refuses a Hub that announces another one', async () => {
    const real = hub.add('acme/tiny', 'main', 'unet/model.onnx', { bytes: source, lfs: false });
    expect((await manager([tiny({ sha256: real })]).download('tiny')).state).toBe('ready');
    expect(logs.join('\n')).toMatch(/sha256 \(manifest\)/);

    hub.add('acme/tiny', 'main', 'unet/model.onnx', { bytes: source });
    const other = join(dir, 'other');
    const err = await rejection(manager([tiny({ sha256: 'cd'.repeat(32) })], { dir: other }).download('tiny'));
    expect(err.message).toMatch(/not the one the manifest pins/);
    expect(existsSync(join(other, 'acme', 'tiny', 'unet', 'model.onnx.incomplete'))).toBe(false);
    expect(existsSync(join(other, 'acme', 'tiny', 'unet', 'model.onnx'))).toBe(false);
  });

  it('says so when only the size could be checked', async () => {
    hub.add('acme/tiny', 'main', 'unet/model.onnx', { bytes: source, lfs: false });
    expect((await manager([tiny({ size: undefined })]).download('tiny')).state).toBe('ready');
    expect(logs.join('\n')).toMatch(/no sha256 is known .*checked its size only/);
  });

  it.each([
    [
      401,
      undefined,
      undefined,
      /acme\/tiny needs a Hugging Face token .*set HF_TOKEN .*accept the licence on http:\/\/127/,
    ],
    [401, undefined, 'hf_x', /refused the token \(HTTP 401\)/],
    [403, 'GatedRepo', undefined, /is gated \(HTTP 403\): accept its licence on .*acme\/tiny, then set HF_TOKEN/],
    [403, 'GatedRepo', 'hf_x', /access to acme\/tiny was refused .*accept the licence/],
    [404, 'RepoNotFound', undefined, /repository acme\/tiny was not found \(HTTP 404/],
    [404, 'RevisionNotFound', undefined, /revision main was not found in acme\/tiny/],
    [404, undefined, undefined, /unet\/model\.onnx of acme\/tiny at revision main was not found/],
    [500, undefined, undefined, /HTTP 500 .*try again later/],
  ])('explains HTTP %i (%s, token %s)', async (status, code, token, message) => {
    hub.errors.set(RESOLVE, { status, ...(code ? { code } : {}) });
    const env = { HF_ENDPOINT: hub.endpoint, HF_HOME: dir, ...(token ? { HF_TOKEN: token } : {}) };
    const m = manager([tiny()], { env });
    const err = await rejection(m.download('tiny'));
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toMatch(message);
    expect((await m.modelStatus('tiny')).error).toBe(err.message);
  });

  it('says to check the network when nothing arrived at all', async () => {
    const gone = await new TestHub().start();
    await gone.close();
    const err = await rejection(
      manager([tiny()], { env: { HF_ENDPOINT: gone.endpoint, HF_HOME: dir } }).download('tiny'),
    );
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(
      /^could not download unet\/model\.onnx \(UNet\) of acme\/tiny \(.+\): check the network/,
    );
    expect(existsSync(part())).toBe(false);
  });

  it('sends the token to the Hub only, never to the CDN it redirects to', async () => {
    const env = { HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_secret' };
    await manager([tiny()], { env }).download('tiny');
    expect(hub.requests.find((r) => r.server === 'hub')!.authorization).toBe('Bearer hf_secret');
    expect(hub.requests.find((r) => r.server === 'cdn')!.authorization).toBeNull();
  });

  it('follows a redirect to another path but stores the file where the manifest says', async () => {
    hub.redirects.set('/acme/old/resolve/main/unet/model.onnx', RESOLVE);
    const moved: ModelManifest = { ...tiny(), artifacts: [{ ...tiny().artifacts[0]!, repo: 'acme/old' }] };
    expect((await manager([moved]).download('tiny')).state).toBe('ready');
    expect(hub.requests.map((r) => r.path)).toContain(RESOLVE);
    expect(readFileSync(join(dir, 'acme', 'old', 'unet', 'model.onnx')).equals(source)).toBe(true);
    expect(existsSync(join(dir, 'acme', 'tiny'))).toBe(false);
  });

  it('refuses a redirect to a non-HTTP scheme', async () => {
    hub.redirects.set(RESOLVE, 'file:///etc/passwd');
    expect((await rejection(manager().download('tiny'))).message).toMatch(/refusing a redirect to file:/);
  });

  it.each([
    ['a file path that climbs out', { file: '../../../etc/cron.d/x' }],
    ['an absolute file path', { file: '/etc/passwd' }],
    ['a repository that climbs out', { repo: '../..' }],
  ])('refuses %s before any request', async (_name, over) => {
    const m = manager([tiny(over)]);
    const err = await rejection(m.download('tiny'));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/model tiny is declared with an invalid/);
    expect((await m.modelStatus('tiny')).state).toBe('error');
    expect(hub.requests).toHaveLength(0);
  });

  it('checks free disk space before starting, and once the server names an unknown size', async () => {
    const statfs = vi.fn(async () => ({ bavail: 10, bsize: 4096 }));
    const err = await rejection(manager([tiny()], { statfs }).download('tiny'));
    expect(err.kind).toBe('disk');
    expect(err.message).toMatch(/not enough disk space for tiny: it needs 300 kB more, 41.0 kB is free in/);
    expect(hub.requests).toHaveLength(0);
    const late = await rejection(manager([tiny({ size: undefined })], { statfs }).download('tiny'));
    expect(late.message).toMatch(/not enough disk space for unet\/model\.onnx of acme\/tiny/);
    expect(existsSync(dest())).toBe(false);
  });

  it('joins a running download: two calls, one transfer, both resolve', async () => {
    const m = manager();
    const [a, b] = await Promise.all([m.download('tiny'), m.download('tiny')]);
    expect(a.state).toBe('ready');
    expect(b).toBe(a);
    expect(hub.requests.filter((r) => r.server === 'cdn')).toHaveLength(1);
    // Two models sharing one file also share its transfer.
    const twin: ModelManifest = { ...tiny(), id: 'twin' };
    rmSync(dest());
    const m2 = manager([tiny(), twin]);
    await Promise.all([m2.download('tiny'), m2.download('twin')]);
    expect(hub.requests.filter((r) => r.server === 'cdn')).toHaveLength(2);
  });

  it('refuses to write a file another process is downloading, and takes over a stale lock', async () => {
    mkdirSync(join(dir, 'acme', 'tiny', 'unet'), { recursive: true });
    const host = hostname();
    writeFileSync(`${dest()}.lock`, JSON.stringify({ pid: 4242, host, at: new Date().toISOString() }));
    const busy = await rejection(manager([tiny()], { lock: { alive: () => true } }).download('tiny'));
    expect(busy.kind).toBe('locked');
    expect(busy.message).toMatch(
      /being downloaded by process 4242 on .*delete .*model\.onnx\.lock if that process is gone/,
    );
    expect((await manager([tiny()], { lock: { alive: () => false } }).download('tiny')).state).toBe('ready');
    expect(existsSync(`${dest()}.lock`)).toBe(false);
  });

  it('stops a hung download on close() and keeps the part for a resume', async () => {
    hub.stallAfter = 50_000;
    const m = manager();
    const running = rejection(m.download('tiny'));
    await vi.waitFor(() => expect(existsSync(part()) && statSync(part()).size).toBe(50_000));
    await m.close();
    const err = await running;
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/stopped after 50.0 kB of 300 kB \(stopped: the server is shutting down\)/);
    expect(statSync(part()).size).toBe(50_000);
    expect(existsSync(`${dest()}.lock`)).toBe(false);
  });

  it('emits progress and the final state as models events', async () => {
    const events: ModelsStatus[] = [];
    let t = 0;
    const m = manager([tiny()], {
      now: () => (t += 1000),
      events: { emit: (topic, data) => topic === 'models' && events.push(data as ModelsStatus) },
    });
    await m.download('tiny');
    await vi.waitFor(() => expect(events.at(-1)?.models[0]?.state).toBe('ready'));
    const downloading = events.map((e) => e.models[0]!).filter((s) => s.state === 'downloading');
    expect(downloading.length).toBeGreaterThan(0);
    expect(downloading.some((s) => s.progress.total === SIZE && s.files[0]!.state === 'downloading')).toBe(true);
    expect(events.at(-1)!.dir).toBe(dir);
  });
});

describe('ModelManager status of variants', () => {
  it('says where each export of a model runs, and when its file list is unverified', async () => {
    const variant = (name: string, contribOps: string[], verified: boolean): ModelManifest => ({
      ...tiny({ repo: `acme/${name}` }),
      id: `pic@${name}`,
      variant: { of: 'pic', name, tunedFor: [], contribOps, verified, checked: '' },
    });
    const m = manager([variant('plain', [], true), variant('olive', ['com.microsoft.SkipGroupNorm'], false), tiny()]);
    const runs = (await m.status()).models.map((s) => s.runs);
    expect(runs).toEqual([
      'whole on cpu, webgpu, cuda, tensorrt, dml, coreml',
      // TensorRT leaves the contrib operator to the CUDA provider beside it; CoreML gets it lowered.
      'whole on cuda, tensorrt; lowered on cpu, webgpu, dml, coreml (unverified file list)',
      undefined,
    ]);
  });
});

describe('ModelManager.missing', () => {
  it('tells what a pipeline lacks and how to get it', async () => {
    const big: ModelManifest = { ...tiny({ size: 2_600_000_000 }), id: 'sd-turbo', pipeline: 'streamdiffusion' };
    const tae: ModelManifest = {
      ...tiny({ repo: 'acme/tae', size: undefined, approxBytes: 10_000_000 }),
      id: 'taesd',
      pipeline: 'streamdiffusion',
    };
    const m = manager([big, tae, tiny()]);
    const missing = await m.missing('streamdiffusion');
    expect(missing).toMatchObject({ models: ['sd-turbo'], ready: false, bytes: 2_600_000_000 });
    expect(missing.message).toBe('streamdiffusion needs sd-turbo (2.6 GB): run daydream-scope download sd-turbo');
    expect((await m.missing('streamdiffusion', ['sd-turbo', 'taesd'])).message).toBe(
      'streamdiffusion needs sd-turbo (2.6 GB) and taesd (≈10.0 MB): run daydream-scope download sd-turbo taesd',
    );
    expect(await m.missing('neural-field')).toMatchObject({ ready: true, models: [], message: null });
    await m.download('tiny');
    expect(await m.missing('test-pipe')).toMatchObject({ ready: true, models: [], message: null });
    await expect(m.missing('test-pipe', 'nope')).rejects.toThrow(/unknown model "nope"; known: sd-turbo, taesd, tiny/);
  });

  it('counts a partial download and says when one is running', async () => {
    mkdirSync(join(dir, 'acme', 'tiny', 'unet'), { recursive: true });
    writeFileSync(part(), source.subarray(0, 100_000));
    const m = manager();
    expect((await m.missing('test-pipe')).message).toBe(
      'test-pipe needs tiny (300 kB, 200 kB left): run daydream-scope download tiny',
    );
    const running = m.download('tiny');
    expect((await m.missing('test-pipe')).message).toMatch(/tiny is downloading now \(\d+%\)$/);
    await running;
  });
});
