import { rgbaToBgra, rgbaToI420, rgbaToUyvy } from '../src/media/from-rgba';
import type { Frame } from '../src/engine/frame';
import type { OutputFrame, PixelFormat } from './output';

/** A conversion from tightly packed RGBA to another layout. */
export type Converter = (rgba: Uint8Array, width: number, height: number) => Uint8Array;

export const defaultConverters: Record<Exclude<PixelFormat, 'rgba'>, Converter> = {
  bgra: rgbaToBgra,
  uyvy: rgbaToUyvy,
  i420: rgbaToI420,
};

/**
 * Conversions of recent frames, keyed by the pixel buffer itself: every output asking for the same format of
 * the same frame gets one shared result, and a repeated frame (same buffer) is not converted again. A WeakMap,
 * so results go when the frame does.
 */
export class ConversionCache {
  private readonly byData = new WeakMap<Uint8Array, Map<PixelFormat, Uint8Array>>();
  /** Conversions done, per format (tests check the sharing). */
  readonly counts: Partial<Record<PixelFormat, number>> = {};

  constructor(private readonly converters: Record<Exclude<PixelFormat, 'rgba'>, Converter> = defaultConverters) {}

  /** The frame wrapped for outputs; nothing is converted until an output asks. */
  wrap(frame: Frame): OutputFrame {
    const pixels = (format: PixelFormat): Uint8Array => {
      if (format === 'rgba') return frame.data;
      // Made by the pipeline already (on the GPU): no conversion here.
      const ready = frame.formats?.[format];
      if (ready) return ready;
      let done = this.byData.get(frame.data);
      if (!done) this.byData.set(frame.data, (done = new Map()));
      let out = done.get(format);
      if (!out) {
        out = this.converters[format](frame.data, frame.width, frame.height);
        done.set(format, out);
        this.counts[format] = (this.counts[format] ?? 0) + 1;
      }
      return out;
    };
    return { ...frame, pixels };
  }
}
