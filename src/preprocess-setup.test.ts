import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParamSpecs, ParamValues } from './params/spec';
import { OrtRuntime } from './runtime/ort';
import { setupPreprocess } from './preprocess-setup';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
afterAll(() => runtime.close());

describe('the conditioning picture as an output of its own', () => {
  it('serves the chain’s newest picture as a JPEG snapshot, and says why depth is skipped without the model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'preprocess-setup-'));
    const log: string[] = [];
    const pre = setupPreprocess({ modelsDir: dir, now: () => 0, log: (m) => log.push(m) });
    try {
      expect(pre.feed.latest()).toBeUndefined();
      const chain = pre.factory.create(runtime);
      const data = new Uint8Array(16 * 16 * 4).fill(200);
      const values = { preprocess: 'depth,grayscale' } as unknown as ParamValues<ParamSpecs>;
      await chain.apply({ data, width: 16, height: 16 }, values);
      await chain.release();
      expect(log).toEqual([
        'depth is skipped: onnx-community/depth-anything-v2-small is not downloaded ' +
          '(daydream-scope download depth-anything-v2-small)',
      ]);
      expect(pre.feed.latest()!.width).toBe(16);
      const res = await pre.routes.request('/conditioning/frame');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      const jpeg = new Uint8Array(await res.arrayBuffer());
      expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    } finally {
      pre.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
