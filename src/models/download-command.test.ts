import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDownloadCommand } from './download-command';
import { TestHub, testBytes } from './test-hub';
import type { DownloadCommandOptions } from './download-command';
import type { ModelManifest } from './manifest';

const SIZE = 400_000;
let hub: TestHub;
let dir: string;
const manifests: ModelManifest[] = [
  {
    id: 'tiny',
    pipeline: 'test-pipe',
    description: 'a tiny model',
    artifacts: [{ repo: 'acme/tiny', revision: 'main', file: 'model.onnx', role: 'graph', size: SIZE }],
  },
];

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, text: () => chunks.join(''), out: { isTTY, columns: 100, write: (s: string) => chunks.push(s) } };
}

async function run(args: string[], isTTY = false, over: Partial<DownloadCommandOptions> = {}) {
  const stdout = sink(isTTY);
  const stderr = sink(false);
  let t = 0;
  const code = await runDownloadCommand(args, {
    manifests,
    env: { HF_ENDPOINT: hub.endpoint, HF_HOME: dir, DAYDREAM_SCOPE_MODELS_DIR: dir },
    stdout: stdout.out,
    stderr: stderr.out,
    now: () => (t += 500),
    ...over,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

beforeEach(async () => {
  hub = await new TestHub().start();
  hub.add('acme/tiny', 'main', 'model.onnx', { bytes: testBytes(SIZE, 7) });
  dir = mkdtempSync(join(tmpdir(), 'models-cli-'));
});
afterEach(() => hub.close());

describe('daydream-scope download', () => {
  it('downloads with plain progress lines when stdout is not a terminal', async () => {
    const r = await run(['tiny']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Downloading tiny \(400 kB\) into /);
    expect(r.stdout).toMatch(/tiny is ready \(1 file, 400 kB\)/);
    expect(r.stdout).not.toMatch(/\r/);
    expect(readFileSync(join(dir, 'acme', 'tiny', 'model.onnx')).equals(testBytes(SIZE, 7))).toBe(true);
    expect((await run(['tiny'])).stdout).toMatch(/tiny is already here \(400 kB in /);
  });

  it('draws a bar in place on a terminal', async () => {
    const r = await run(['tiny', '--dir', join(dir, 'other')], true);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\rtiny model\.onnx {2}\[#+-*\] +\d+% {2}[\d.]+ kB \/ 400 kB/);
    expect(r.stdout).toMatch(/\[#+\] 100% {2}400 kB \/ 400 kB/);
    expect(existsSync(join(dir, 'other', 'acme', 'tiny', 'model.onnx'))).toBe(true);
  });

  it('lists the models and what is here', async () => {
    const r = await run(['--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^model +pipeline +size +state +description\ntiny +test-pipe +400 kB +missing +a tiny model/,
    );
    expect(r.stdout).toContain(`Models folder: ${dir}`);
  });

  it('resumes by itself after a dropped transfer: the bar goes on and the command ends with 0', async () => {
    hub.dropFirstOfEach = 150_000;
    const r = await run(['tiny'], false, { retry: { delaysMs: [0] } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/model\.onnx of acme\/tiny: the transfer broke off; resuming in 0 s \(try 2 of 8\)/);
    expect(r.stdout).toMatch(/resumed at [\d.]+ kB/);
    expect(r.stderr).toBe('');
    expect(existsSync(join(dir, 'acme', 'tiny', 'model.onnx'))).toBe(true);
  });

  it('fails with the reason and exit code 1 only after giving up, and resumes on the next run', async () => {
    hub.cutAfter = 150_000;
    const broken = await run(['tiny'], false, { retry: { attempts: 1 } });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      /^daydream-scope download: the download of model\.onnx \(graph\) of acme\/tiny stopped after/,
    );
    expect(broken.stderr).toMatch(/run "daydream-scope download tiny" again to resume/);
    const again = await run(['tiny']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Downloading tiny \(400 kB, resuming at [\d.]+ kB\)/);
  });

  it.each([
    [[], /name a model to download \(known: tiny\)/],
    [['nope'], /unknown model "nope"; known: tiny/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('answers usage errors (%j) with exit code 2', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
