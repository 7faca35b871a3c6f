/**
 * The note on CPU fallbacks, from the graph to what a user sees: a load on a GPU provider of a file some of whose
 * nodes the provider has no kernel for says so in its log line and in the loaded pipeline's status (`warnings`,
 * which the panel shows on its card); a file that stays whole on the provider, or a load on the CPU, says nothing.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { fallbackNote } from './fallback-note';
import { PipelineHost } from './host';
import { definePipeline } from './pipeline';
import type { PipelineDefinition } from './pipeline';
import { PipelineRegistry } from './registry';
import { solidPipeline } from './test-support';
import { ParamStore } from '../params/store';
import { GraphBuilder } from '../runtime/graph-builder';
import { checkModel } from '../runtime/graph/opset-check';
import { decodeModel } from '../runtime/graph/onnx-model';
import { OrtRuntime } from '../runtime/ort';
import type { ProviderFacts } from '../runtime/providers';

const dir = mkdtempSync(join(tmpdir(), 'scope-fallback-note-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** y = ((a + b) + b) + b over int64 [1, 4]: WebGPU has Add for float32, float16, int32 and uint32 only. */
function int64Adds(): Uint8Array {
  const b = new GraphBuilder('int64-adds');
  const a = b.input('a', 'int64', [1, 4]);
  const x = b.input('b', 'int64', [1, 4]);
  b.output(b.op('Add', [b.op('Add', [b.op('Add', [a, x]), x]), x]), 'y', 'int64', [1, 4]);
  return b.toBytes();
}

/** y = x + 1 over float32: every provider runs it. */
function floatAdd(): Uint8Array {
  const b = new GraphBuilder('float-add');
  const x = b.input('x', 'float', [1, 4]);
  b.output(b.op('Add', [x, b.scalar(1)]), 'y', 'float', [1, 4]);
  return b.toBytes();
}

const write = (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const int64File = write('int64-adds.onnx', int64Adds());
const floatFile = write('float-add.onnx', floatAdd());

/** A machine with a hardware WebGPU adapter, written down (no probe). */
const webgpuMachine: ProviderFacts = {
  platform: 'linux',
  arch: 'x64',
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'webgpu', bundled: true },
  ],
  binaries: [],
  nvidiaGpu: null,
  ortVersion: '1.30.0',
  webgpu: {
    usable: true,
    reason: 'a test adapter',
    adapter: { name: 'Test GPU', kind: 'discrete', driver: 'test', software: false },
  },
};

/** A solid pipeline whose preflight says it opens `path` (its frames never touch it). */
const opens = (id: string, path: string) =>
  definePipeline({
    ...solidPipeline(id),
    preflight: () => ({ files: [{ path, role: `${id}'s graph` }] }),
  }) as PipelineDefinition;

/** A host on `device` (its provider chosen from the facts above), on a manual clock, its log kept. */
async function hostOn(device: 'webgpu' | 'cpu', defs: PipelineDefinition[]) {
  const runtime = new OrtRuntime({ device, facts: webgpuMachine });
  await runtime.provider();
  const lines: string[] = [];
  const clock = new ManualClock();
  const params = new ParamStore();
  const host = new PipelineHost({
    registry: new PipelineRegistry(defs),
    params,
    runtime,
    resolution: { width: 64, height: 64 },
    clock,
    log: (m) => lines.push(m),
  });
  return { host, lines, clock, runtime, params };
}

describe('the note on nodes that run on the CPU provider', () => {
  it('a load on WebGPU of a graph with int64 Adds says so in its log line and its status', async () => {
    const { host, lines, runtime } = await hostOn('webgpu', [opens('adds', int64File)]);
    expect(runtime.executionProvider).toBe('webgpu');
    await host.load('adds');
    const note =
      `${int64File}: on webgpu, 3 nodes will run on the CPU provider, copying tensors there and back every frame: ` +
      `Add at int64 (×3). Every operator: daydream-scope model check ${int64File} --device webgpu`;
    expect(host.status()).toMatchObject({ state: 'ready', pipelineId: 'adds', warnings: [note] });
    expect(lines).toContain(`loading adds: ${note}`);
    await host.stop();
  });

  it('keeps the note through a reload for a load-time value, which runs no preflight', async () => {
    const { host, clock, params, lines } = await hostOn('webgpu', [opens('adds', int64File)]);
    await host.load('adds');
    params.set('seed', 5, 'http');
    clock.advance(200);
    await host.settled();
    expect(lines).toContain('pipeline adds: ready -> loading: reloading adds: seed changed');
    expect(host.status()).toMatchObject({ state: 'ready', warnings: [expect.stringContaining('Add at int64 (×3)')] });
    await host.stop();
  });

  it('a file replaced since (another size and time) is checked again: the next load has no note', async () => {
    const path = write('replaced.onnx', int64Adds());
    const { host } = await hostOn('webgpu', [opens('swap', path)]);
    await host.load('swap');
    expect(host.status().warnings).toEqual([expect.stringContaining('Add at int64 (×3)')]);
    writeFileSync(path, floatAdd());
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    await host.load('swap');
    expect(host.status()).toMatchObject({ state: 'ready', warnings: [] });
    await host.stop();
  });

  it('says nothing for a float32 graph on WebGPU', async () => {
    const { host, lines } = await hostOn('webgpu', [opens('plain', floatFile)]);
    await host.load('plain');
    expect(host.status()).toMatchObject({ state: 'ready', warnings: [] });
    expect(lines.filter((l) => l.includes('CPU provider'))).toEqual([]);
    await host.stop();
  });

  it('says nothing on the CPU provider, where every node runs already', async () => {
    const { host, lines, runtime } = await hostOn('cpu', [opens('adds', int64File)]);
    expect(runtime.executionProvider).toBe('cpu');
    await host.load('adds');
    expect(host.status()).toMatchObject({ state: 'ready', warnings: [] });
    expect(lines.filter((l) => l.includes('CPU provider'))).toEqual([]);
    await host.stop();
  });

  it('names the three ops with the most nodes and counts the others', () => {
    const b = new GraphBuilder('many', 17);
    let v = b.input('a', 'int64', [4]);
    for (const [op, n] of [
      ['Add', 4],
      ['Sub', 3],
      ['Mul', 2],
      ['Div', 1],
    ] as const) {
      for (let i = 0; i < n; i++) v = b.op(op, [v, v]);
    }
    b.output(v, 'y', 'int64', [4]);
    const note = fallbackNote(checkModel(decodeModel(b.toBytes()), 'webgpu'), 'many.onnx');
    expect(note).toMatch(/^many\.onnx: on webgpu, 10 nodes will run on the CPU provider/);
    expect(note).toContain('Add at int64 (×4), Sub at int64 (×3), Mul at int64 (×2) and 1 more op.');
    expect(note).toMatch(/daydream-scope model check many\.onnx --device webgpu$/);
    expect(fallbackNote(checkModel(decodeModel(floatAdd()), 'webgpu'), 'float-add.onnx')).toBeNull();
  });
});
