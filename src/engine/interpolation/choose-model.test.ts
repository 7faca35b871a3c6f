import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpolatorFor } from './choose-model';
import { blendInterpolator } from './interpolator';
import { OnnxInterpolator } from './onnx-interpolator';
import type { InferenceBackend } from '../../runtime/backend';

/** Only the provider's name is read while choosing; sessions are made on first use. */
const on = (executionProvider: string) => ({ executionProvider }) as InferenceBackend;

describe('interpolatorFor (--interpolator)', () => {
  it('auto: the RIFE export in the models directory when there, else a crossfade on the CPU, the tiny graph on a GPU', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'models-'));
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    const cpu = interpolatorFor({ runtime: on('cpu'), choice: 'auto', modelsDir: dir, log });
    expect(cpu).not.toBeInstanceOf(OnnxInterpolator);
    expect(cpu.between).toBe(blendInterpolator.between);
    expect(interpolatorFor({ runtime: on('webgpu'), choice: 'auto', modelsDir: dir, log })).toBeInstanceOf(
      OnnxInterpolator,
    );
    await mkdir(join(dir, 'interpolation'));
    await writeFile(join(dir, 'interpolation', 'rife.onnx'), 'not read until the first frame');
    expect(interpolatorFor({ runtime: on('cpu'), choice: 'auto', modelsDir: dir, log })).toBeInstanceOf(
      OnnxInterpolator,
    );
    expect(logs).toEqual([
      'frame interpolation (interpolate 2-4): a crossfade on the CPU (no RIFE export in the models directory)',
      'frame interpolation (interpolate 2-4): the tiny graph with no flow (a crossfade) on webgpu',
      `frame interpolation (interpolate 2-4): ${join(dir, 'interpolation', 'rife.onnx')} on cpu`,
    ]);
  });

  it('a name or a path is taken as given, on any provider', () => {
    const log = () => {};
    for (const choice of ['tiny', 'stand-in', '/somewhere/rife.onnx']) {
      expect(interpolatorFor({ runtime: on('cpu'), choice, modelsDir: '/nowhere', log })).toBeInstanceOf(
        OnnxInterpolator,
      );
    }
  });
});
