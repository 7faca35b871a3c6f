import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image } from '../../../src/engine/frame';
import type { ParamSpecs, ParamValues } from '../../../src/params/spec';
import { PreprocessChain } from '../../../src/preprocess/chain';
import { OrtRuntime } from '../../../src/runtime/ort';
import { depthAnythingV2Small, tinyDepthConfig } from './depth-anything-standin';
import { writeDepthStandin } from './depth-standin-file';

const runtime = new OrtRuntime({ intraOpThreads: 1 });
let dir = '';
let model = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'depth-standin-'));
  model = (await writeDepthStandin(join(dir, 'tiny'), tinyDepthConfig, { seed: 7 })).path;
});
afterAll(async () => {
  await runtime.close();
  await rm(dir, { recursive: true, force: true });
});

const W = 8;
const H = 6;
function picture(seed: number): Image {
  const data = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const x = i % W;
    data.set([(x * 30 + seed * 70) % 256, (i * 13 + seed * 50) % 256, (seed * 90) % 256, 255], i * 4);
  }
  return { data, width: W, height: H };
}

const values = (preprocess: string, depthSmoothing = 0) =>
  ({ preprocess, depthSmoothing }) as unknown as ParamValues<ParamSpecs>;

function chainWith(log: string[] = []): PreprocessChain {
  return new PreprocessChain({
    runtime,
    depthModel: async () => ({ model, size: tinyDepthConfig.size }),
    log: (m) => log.push(m),
  });
}

describe('the depth stage', () => {
  it('the stand-in at the real size has Depth-Anything-V2-Small’s parameter count (24.8 M, by its model card)', async () => {
    const { params } = await writeDepthStandin(join(dir, 'full'), depthAnythingV2Small, { weights: 'zeros' });
    expect(params / 1e6).toBeGreaterThan(24.3);
    expect(params / 1e6).toBeLessThan(25.3);
  });

  it('gives a grey, opaque map at the picture size, not flat', async () => {
    const chain = chainWith();
    const out = await chain.apply(picture(1), values('depth'));
    expect([out.width, out.height]).toEqual([W, H]);
    for (let i = 0; i < W * H; i++) {
      const [r, g, b, a] = out.data.subarray(i * 4, i * 4 + 4);
      expect([g, b, a]).toEqual([r, r, 255]);
    }
    const reds = Array.from({ length: W * H }, (_, i) => out.data[i * 4]!);
    expect(Math.max(...reds) - Math.min(...reds)).toBeGreaterThan(0);
    await chain.release();
  });

  it('smooths over frames: each map is `depthSmoothing` of the last plus the rest of the new one', async () => {
    const alone = async (p: Image) => {
      const chain = chainWith();
      const out = await chain.apply(p, values('depth'));
      await chain.release();
      return out.data;
    };
    const [a, b] = [await alone(picture(1)), await alone(picture(2))];
    const chain = chainWith();
    await chain.apply(picture(1), values('depth', 0.75));
    const blended = (await chain.apply(picture(2), values('depth', 0.75))).data;
    for (let i = 0; i < W * H * 4; i += 4)
      expect(Math.abs(blended[i]! - (0.75 * a[i]! + 0.25 * b[i]!))).toBeLessThanOrEqual(1);
    // Depth left the chain: the memory goes, and the next map is the new picture's alone.
    await chain.apply(picture(1), values(''));
    expect([...(await chain.apply(picture(2), values('depth', 0.75))).data]).toEqual([...b]);
    await chain.release();
  });

  it('without a model on disk, depth is skipped with one sentence and the other stages still run', async () => {
    const log: string[] = [];
    const chain = new PreprocessChain({
      runtime,
      depthModel: async () => ({ missing: 'Depth-Anything-V2-Small is not downloaded' }),
      log: (m) => log.push(m),
    });
    const input = picture(3);
    const out = await chain.apply(input, values('depth,threshold'));
    await chain.apply(input, values('depth,threshold'));
    expect(log).toEqual(['depth is skipped: Depth-Anything-V2-Small is not downloaded']);
    expect(out.data.some((v, i) => i % 4 === 0 && v !== 0 && v !== 255)).toBe(false);
    await chain.release();
  });

  it('a depth model that does not open passes the input on unchanged, said once, and the show goes on', async () => {
    const log: string[] = [];
    const chain = new PreprocessChain({
      runtime,
      depthModel: async () => ({ model: new Uint8Array([1, 2, 3]), size: 28 }),
      log: (m) => log.push(m),
    });
    const input = picture(4);
    expect(await chain.apply(input, values('grayscale,depth'))).toBe(input);
    expect(await chain.apply(input, values('grayscale,depth'))).toBe(input);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^pre-processing \(grayscale,depth\) failed, the input goes on unchanged: /);
    // Without depth the chain works again.
    const grey = await chain.apply(input, values('grayscale'));
    expect(grey.data[0]).toBe(grey.data[1]);
    await chain.release();
  });
});
