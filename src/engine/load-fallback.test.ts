/**
 * A load that cannot succeed changes nothing, with real child processes: neural-field runs with its sessions in
 * a process of its own, then a load is asked for that is refused by its preflight (files missing, a file cut
 * short) or that fails after it (a session onnxruntime cannot make, a first render that throws, a process that
 * crashes). In each case neural-field's frames keep changing at the frame rate, on a manual clock.
 */
import { engineInSteps } from './test-support';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { PipelineHost } from './host';
import { PipelineRegistry } from './registry';
import { addOneGraph, groupNormGraph, onnxFilePipeline, sha256 } from './test-load-fallback';
import type { PipelineStatus } from './host';
import { ParamStore } from '../params/store';
import { OrtRuntime } from '../runtime/ort';
import { ChildProcessTransport } from '../runtime/child-transport';
import { neuralField } from '../../pipelines/neural-field/neural-field';
import { longlive } from '../../pipelines/longlive/longlive';

const dir = mkdtempSync(join(tmpdir(), 'scope-fallback-'));
const write = (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const good = addOneGraph();
const goodFile = { path: write('add-one.onnx', good), size: good.length, sha256: sha256(good) };
// A download cut short: the first half of the file, declared with the whole file's size and hash.
const truncated = { ...goodFile, path: write('add-one-cut.onnx', good.subarray(0, good.length >> 1)) };
const groupNorm = groupNormGraph();
const unknownOp = { path: write('group-norm.onnx', groupNorm), size: groupNorm.length, sha256: sha256(groupNorm) };

const pipelines = [
  neuralField,
  longlive,
  onnxFilePipeline('add-one', goodFile),
  onnxFilePipeline('cut-short', truncated),
  onnxFilePipeline('group-norm', unknownOp),
  onnxFilePipeline('throws', goodFile, 'throws'),
  onnxFilePipeline('crashes', goodFile, 'crashes'),
];

const modelsDirBefore = process.env.DAYDREAM_SCOPE_MODELS_DIR;
// An empty models folder: longlive's export is not there, as on a fresh machine.
process.env.DAYDREAM_SCOPE_MODELS_DIR = join(dir, 'models');
afterAll(() => {
  if (modelsDirBefore === undefined) delete process.env.DAYDREAM_SCOPE_MODELS_DIR;
  else process.env.DAYDREAM_SCOPE_MODELS_DIR = modelsDirBefore;
  rmSync(dir, { recursive: true, force: true });
});

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.map((s) => s()));
  stops = [];
});

/** neural-field at 64x64 in a child process of its own, rendering; every pipeline gets its own process. */
async function rig() {
  const clock = new ManualClock();
  const params = new ParamStore();
  const shared = new OrtRuntime({ device: 'cpu' });
  const lines: string[] = [];
  const host = new PipelineHost({
    registry: new PipelineRegistry(pipelines),
    params,
    runtime: shared,
    runtimeFor: () => shared.sibling(new ChildProcessTransport({ faults: true, log: (m) => lines.push(m) })),
    resolution: { width: 64, height: 64 },
    clock,
    // Far out of reach: a render on a busy machine is never taken for a hang (the clock only moves per frame).
    renderTimeoutMs: 600_000,
    log: (m) => lines.push(m),
  });
  const statuses: PipelineStatus[] = [];
  host.onStatus((s) => statuses.push(s));
  const { engine, frames, step } = engineInSteps(host, clock, params);
  stops.push(async () => {
    await engine.stop();
    await host.stop();
  });
  /** One frame interval at a time, each once the renders and loads in flight have answered. */
  const run = async (steps: number, until: () => boolean = () => false) => {
    const from = frames.length;
    let n = 0;
    while (n < steps && !until()) {
      n++;
      await step();
    }
    return { steps: n, sent: frames.slice(from) };
  };
  await host.load('neural-field');
  const fresh = () => frames.length > 0 && !frames.at(-1)!.repeated && host.status().phase === 'ready';
  await run(3000, fresh);
  expect(fresh()).toBe(true);
  return { host, frames, run, lines, statuses, params };
}

/**
 * neural-field goes on: over `steps` intervals one frame went out per interval, rendered fresh by neural-field,
 * each picture different from the one before.
 */
async function expectNeuralFieldRenders(r: Awaited<ReturnType<typeof rig>>, steps = 8) {
  const { steps: ran, sent } = await r.run(steps);
  expect(ran).toBe(steps);
  expect(sent).toHaveLength(steps);
  for (const f of sent) expect(f).toMatchObject({ pipelineId: 'neural-field', repeated: false });
  for (let i = 1; i < sent.length; i++) {
    expect(Buffer.from(sent[i]!.data).equals(Buffer.from(sent[i - 1]!.data))).toBe(false);
  }
  expect(r.host.status()).toMatchObject({ state: 'ready', phase: 'ready', pipelineId: 'neural-field' });
}

describe('a load refused by its preflight changes nothing', () => {
  it.each([
    ['longlive without its export (files missing)', 'longlive', /^longlive needs the longlive-1\.3b export/],
    ['a file cut short', 'cut-short', /add-one-cut\.onnx is \d+ bytes where \d+ were expected/],
  ])('%s: refused with its sentence; status and frames go on as before', async (_what, id, sentence) => {
    const r = await rig();
    const pid = r.host.loaded().active!.runtime.pid;
    const before = r.host.status();
    await expect(r.host.load(id)).rejects.toMatchObject({
      code: 'load_refused',
      message: expect.stringMatching(sentence),
    });
    expect(r.host.status()).toEqual(before);
    expect(r.host.loaded().active!.runtime.pid).toBe(pid);
    expect(r.params.owner).toBe('neural-field');
    await expectNeuralFieldRenders(r);
  });
});

describe('a load that fails after its preflight falls back to the pipeline before it', () => {
  it.each([
    ['a file with an operator the CPU provider lacks', 'group-norm', 'load', /GroupNorm/],
    ['a first render that throws', 'throws', 'first render', /its first render threw/],
    ['a process that crashes at its first render', 'crashes', 'process', /SIGABRT/],
  ])('%s: neural-field renders on, the failure is in the status', async (_what, id, phase, message) => {
    const r = await rig();
    const pid = r.host.loaded().active!.runtime.pid;
    await r.host.load(id);
    // While it loads and until it fails, neural-field goes on; the fallback ends in neural-field again.
    const meanwhile = await r.run(3000, () => r.host.status().lastLoadError !== null);
    // One frame per interval all along, every one of them neural-field's (the new one never reached the outputs).
    expect(meanwhile.sent).toHaveLength(meanwhile.steps);
    expect(meanwhile.sent.every((f) => f.pipelineId === 'neural-field')).toBe(true);
    const status = r.host.status();
    expect(status).toMatchObject({
      state: 'ready',
      pipelineId: 'neural-field',
      error: null,
      lastLoadError: { pipelineId: id, phase, message: expect.stringMatching(message) },
    });
    // The same process: neural-field was never unloaded.
    expect(r.host.loaded().active!.runtime.pid).toBe(pid);
    expect(r.params.owner).toBe('neural-field');
    expect(r.statuses.at(-1)?.lastLoadError?.pipelineId).toBe(id);
    expect(r.lines.some((l) => l.includes(`loading ${id} failed (${phase})`))).toBe(true);
    await expectNeuralFieldRenders(r);
  });

  it('a load that works: the new pipeline renders, the one before is unloaded after its first good frame', async () => {
    const r = await rig();
    await r.host.load('add-one');
    expect(r.host.loaded().warm.map((p) => p.id)).toEqual(['neural-field']);
    const { sent } = await r.run(3000, () => r.frames.at(-1)?.pipelineId === 'add-one');
    expect(sent.at(-1)).toMatchObject({ pipelineId: 'add-one', repeated: false });
    await r.run(2);
    expect(r.host.status()).toMatchObject({ state: 'ready', pipelineId: 'add-one', lastLoadError: null });
    expect(r.host.loaded().warm).toEqual([]);
    expect(r.lines).toContain('unloading neural-field (replaced)');
  });
});
