import { describe, expect, it } from 'vitest';
import type { Frame } from '../src/engine/frame';
import { ConversionCache } from './convert';
import { rgbaToI420 } from '../src/media/from-rgba';

const frame = (over: Partial<Frame> = {}): Frame => ({
  data: Uint8Array.from({ length: 4 * 4 * 4 }, (_, i) => (i * 37) & 255),
  width: 4,
  height: 4,
  seq: 0,
  timestamp: 0,
  pipelineId: 'p',
  repeated: false,
  ...over,
});

describe('ConversionCache', () => {
  it('hands out a layout the pipeline made already (on the GPU) instead of converting', () => {
    const cache = new ConversionCache();
    const made = rgbaToI420(frame().data, 4, 4);
    const wrapped = cache.wrap(frame({ formats: { i420: made } }));
    expect(wrapped.pixels('i420')).toBe(made);
    expect(cache.counts.i420).toBeUndefined();
    // Layouts the pipeline did not make are converted as before.
    expect(wrapped.pixels('bgra')).toHaveLength(64);
    expect(cache.counts.bgra).toBe(1);
  });
});
