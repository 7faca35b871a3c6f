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
  // One model in two exports, as sd-turbo: plain operators, and the contrib operators of Olive's CUDA optimisation.
  ...(['webgpu', 'olive-cuda'] as const).map((name): ModelManifest => ({
    id: `pic@${name}`,
    pipeline: 'test-pipe',
    description: `pic, ${name} export`,
    artifacts: [{ repo: `acme/pic-${name}`, revision: 'main', file: 'unet/model.onnx', role: 'UNet', size: 1000 }],
    variant: {
      of: 'pic',
      name,
      tunedFor: [name === 'webgpu' ? 'webgpu' : 'cuda'],
      contribOps: name === 'webgpu' ? [] : ['com.microsoft.GroupNorm', 'com.microsoft.NhwcConv'],
      verified: name === 'webgpu',
      checked: name === 'webgpu' ? 'seen' : 'not seen on the Hub',
    },
  })),
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
  hub.add('acme/pic-webgpu', 'main', 'unet/model.onnx', { bytes: testBytes(1000, 1) });
  hub.add('acme/pic-olive-cuda', 'main', 'unet/model.onnx', { bytes: testBytes(1000, 2) });
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
    expect(r.stdout).toMatch(/pic@webgpu .*\n +runs: whole on cpu, webgpu, cuda, tensorrt, dml, coreml\n/);
    expect(r.stdout).toMatch(
      /pic@olive-cuda .*\n +runs: whole on cuda, tensorrt, dml; lowered on cpu, webgpu, coreml \(unverified file list\)\n/,
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

  const fetched = (name: string) => existsSync(join(dir, 'acme', `pic-${name}`, 'unet', 'model.onnx'));

  it.each([
    ['webgpu', 'webgpu'],
    ['cpu', 'webgpu'],
    ['cuda', 'olive-cuda'],
  ])('downloads the variant a %s device runs whole (%s)', async (device, variant) => {
    const r = await run(['pic', '--device', device]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`pic: the ${variant} variant for ${device} (`);
    expect(r.stdout).toMatch(new RegExp(`pic@${variant} is ready`));
    expect(fetched(variant)).toBe(true);
    expect(fetched(variant === 'webgpu' ? 'olive-cuda' : 'webgpu')).toBe(false);
  });

  it('without --device, chooses for the provider this machine would pick', async () => {
    const r = await run(['pic'], false, { autoProvider: async () => 'cuda' });
    expect(r.code).toBe(0);
    expect(fetched('olive-cuda')).toBe(true);
    expect(fetched('webgpu')).toBe(false);
  });

  it('--variant (or model@variant) downloads the one named, whatever the device', async () => {
    expect((await run(['pic', '--device', 'webgpu', '--variant', 'olive-cuda'])).code).toBe(0);
    expect(fetched('olive-cuda')).toBe(true);
    expect(fetched('webgpu')).toBe(false);
    expect((await run(['pic@webgpu', '--device', 'cuda'])).code).toBe(0);
    expect(fetched('webgpu')).toBe(true);
  });

  it.each([
    [[], /name a model to download \(known: tiny, pic\)/],
    [['nope'], /unknown model "nope"; known: tiny, pic/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['pic', '--variant', 'tpu'], /pic has no variant "tpu"; it has webgpu, olive-cuda/],
    [['tiny', '--variant', 'webgpu'], /tiny has no variants/],
    [
      ['pic@webgpu', '--variant', 'olive-cuda'],
      /pic@webgpu is the webgpu variant; --variant olive-cuda contradicts it/,
    ],
    [['pic', '--device', 'tpu'], /tpu/],
  ])('answers usage errors (%j) with exit code 2', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
