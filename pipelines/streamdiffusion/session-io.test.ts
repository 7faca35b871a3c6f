import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrtRuntime } from '../../src/runtime/ort';
import { pattern } from '../../src/runtime/graph/cpu-run';
import { BLOCK, buildExportBlock } from './standin/export-shapes';
import { TypedSession } from './session-io';

const runtime = new OrtRuntime({ device: 'cpu', intraOpThreads: 1, worker: false });
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'session-io-'));
});
afterAll(async () => {
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

describe('TypedSession.open (lowering at load)', () => {
  it('opens an Olive CUDA-shaped UNet on the CPU through its lowered copy, and its output is what the WebGPU-shaped one gives', async () => {
    const olive = join(dir, 'olive.onnx');
    const plain = join(dir, 'plain.onnx');
    await writeFile(olive, buildExportBlock('olive-cuda'));
    await writeFile(plain, buildExportBlock('webgpu-ready'));
    const feeds = {
      sample: { dims: [1, 4, BLOCK.height, BLOCK.width], data: pattern(4 * BLOCK.height * BLOCK.width, 3) },
      timestep: { dims: [1], data: Int32Array.from([500]) },
      encoder_hidden_states: {
        dims: [1, BLOCK.context, BLOCK.channels],
        data: pattern(BLOCK.context * BLOCK.channels, 4),
      },
    };
    const a = await TypedSession.open(runtime, olive);
    const b = await TypedSession.open(runtime, plain);
    const [x, y] = [(await a.run(feeds)).out_sample!, (await b.run(feeds)).out_sample!];
    await Promise.all([a.release(), b.release()]);
    expect(x.length).toBe(y.length);
    for (let i = 0; i < x.length; i++) expect(x[i]).toBeCloseTo(y[i]!, 3);
    // One lowered copy beside the Olive file; the plain one needed none (fusions are off on the CPU by default).
    expect((await readdir(dir)).filter((f) => f.includes('.lowered-cpu-'))).toHaveLength(1);
  });

  it('refuses a file with an operator no provider has, with its sentence, before any session', async () => {
    const bytes = buildExportBlock('olive-cuda');
    // Rename the op type in place: same length, so the protobuf stays valid ("NhwcConv" → "NhwcConX").
    const text = Buffer.from(bytes);
    const at = text.indexOf('NhwcConv');
    text.write('NhwcConX', at);
    const file = join(dir, 'broken.onnx');
    await writeFile(file, text);
    await expect(TypedSession.open(runtime, file)).rejects.toThrow(
      /broken\.onnx cannot run on cpu: com\.microsoft\.NhwcConX/,
    );
  });
});
