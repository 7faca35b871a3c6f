import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, hubConfig, resolveUrl, sha256FromEtag } from './hub';
import { acquireFileLock } from './lock';
import { RateMeter, eta, formatDuration, progressBar } from './progress';

describe('hub', () => {
  it('builds resolve URLs with each part encoded', () => {
    const a = { repo: 'stabilityai/sd-turbo', revision: 'refs/pr/1', file: 'unet/model fp16.onnx' };
    expect(resolveUrl('https://hf-mirror.example', a)).toBe(
      'https://hf-mirror.example/stabilityai/sd-turbo/resolve/refs%2Fpr%2F1/unet/model%20fp16.onnx',
    );
  });

  it('reads HF_ENDPOINT and HF_TOKEN, else the token file of the HF tools', () => {
    const home = mkdtempSync(join(tmpdir(), 'hf-home-'));
    expect(hubConfig({ HF_HOME: home })).toEqual({ endpoint: DEFAULT_ENDPOINT, token: null });
    writeFileSync(join(home, 'token'), 'hf_from_file\n');
    expect(hubConfig({ HF_HOME: home, HF_ENDPOINT: 'http://127.0.0.1:9/' })).toEqual({
      endpoint: 'http://127.0.0.1:9',
      token: 'hf_from_file',
    });
    expect(hubConfig({ HF_HOME: home, HF_TOKEN: ' hf_env ' }).token).toBe('hf_env');
    expect(() => hubConfig({ HF_ENDPOINT: 'ftp://x' })).toThrow(/HF_ENDPOINT "ftp:\/\/x" is not an http\(s\) URL/);
  });

  it.each([
    ['"' + 'A'.repeat(64) + '"', 'a'.repeat(64)],
    ['W/"' + 'b'.repeat(64) + '"', 'b'.repeat(64)],
    ['"0123456789abcdef0123456789abcdef01234567"', null],
    [null, null],
  ])('takes a sha256 from the ETag %s', (etag, sha) => {
    expect(sha256FromEtag(etag)).toBe(sha);
  });
});

describe('progress', () => {
  it.each([
    [12, '12s'],
    [245, '4:05'],
    [3723, '1:02:03'],
  ])('formats %i seconds as %s', (s, text) => expect(formatDuration(s)).toBe(text));

  it('measures a rate over a window and tells the time left', () => {
    let t = 0;
    const meter = new RateMeter(() => t, 5000);
    expect(meter.rate).toBe(0);
    for (let i = 0; i <= 10; i++) {
      t = i * 1000;
      meter.add(i * 2_000_000);
    }
    expect(meter.rate).toBe(2_000_000);
    expect(eta(20_000_000, 100_000_000, meter.rate)).toBe(40);
    expect(eta(1, null, 5)).toBeNull();
  });

  it('draws a bar that fits its width', () => {
    const line = progressBar({ label: 'sd-turbo', bytes: 1.3e9, total: 2.6e9, rate: 34.5e6, eta: 41 }, 100);
    expect(line).toMatch(/^sd-turbo {2}\[#{10,15}-+\] {2}50% {2}1.3 GB \/ 2.6 GB {2}34.5 MB\/s {2}ETA 41s$/);
    expect(line.length).toBeLessThanOrEqual(100);
    expect(progressBar({ label: 'x', bytes: 5000, total: null, rate: 0, eta: null })).toBe('x  5.0 kB');
  });
});

describe('file lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lock-'));

  it('is exclusive, names its holder, and is free again once released', async () => {
    const path = join(dir, 'a.lock');
    const lock = await acquireFileLock(path, 'a.onnx');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    await expect(acquireFileLock(path, 'a.onnx')).rejects.toThrow(
      new RegExp(`a\\.onnx is being downloaded by process ${process.pid} on`),
    );
    await lock.refresh();
    await lock.release();
    await (await acquireFileLock(path, 'a.onnx')).release();
  });

  it('takes over a lock nobody touched for too long, and an unreadable one by its age', async () => {
    const path = join(dir, 'b.lock');
    writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), at: 'then' }));
    const later = Date.now() + 11 * 60_000;
    await (await acquireFileLock(path, 'b.onnx', { now: () => later })).release();
    writeFileSync(path, '{half');
    await expect(acquireFileLock(path, 'b.onnx')).rejects.toThrow(/by another process/);
    await (await acquireFileLock(path, 'b.onnx', { now: () => later })).release();
  });
});
