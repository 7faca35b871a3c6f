import { fillRect, rgb } from '../shared/canvas';
import type { Canvas } from '../shared/canvas';
import type { Image } from '../../src/engine/frame';

/**
 * The machine-readable frame number of the test pattern, for latency and frame-drop measurements:
 * 16 square blocks in a row at the top-left corner, block `i` covering x in [i*s, (i+1)*s) and y in [0, s),
 * where s = blockSize(width). Block 0 is the most significant bit of (frameIndex mod 65536); white (255) is 1,
 * black (0) is 0. Read it back by sampling each block's centre and thresholding at 128 (see readFrameCode);
 * the blocks survive JPEG and H.264 at any sensible quality because each spans at least 4x4 pixels.
 */
export const FRAME_CODE_BITS = 16;

/** Side in pixels of one code block for an image `width` wide. */
export function blockSize(width: number): number {
  return Math.max(4, Math.floor(width / 64));
}

/** Writes the frame code into the top-left corner of `c`. */
export function drawFrameCode(c: Canvas, frameIndex: number): void {
  const s = blockSize(c.width);
  const value = frameIndex & 0xffff;
  for (let i = 0; i < FRAME_CODE_BITS; i++) {
    const bit = (value >> (FRAME_CODE_BITS - 1 - i)) & 1;
    fillRect(c, i * s, 0, s, s, bit ? rgb(255, 255, 255) : rgb(0, 0, 0));
  }
}

/** Decodes the frame code from any RGBA image (e.g. a decoded MJPEG frame); the frame index mod 65536. */
export function readFrameCode(image: Image): number {
  const s = blockSize(image.width);
  const y = Math.floor(s / 2);
  let value = 0;
  for (let i = 0; i < FRAME_CODE_BITS; i++) {
    const x = i * s + Math.floor(s / 2);
    const o = (y * image.width + x) * 4;
    const luma = (image.data[o]! + image.data[o + 1]! + image.data[o + 2]!) / 3;
    value = (value << 1) | (luma >= 128 ? 1 : 0);
  }
  return value;
}
