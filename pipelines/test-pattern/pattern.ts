import { p } from '../../src/params/spec';
import type { Image } from '../../src/engine/frame';
import { definePipeline } from '../../src/engine/pipeline';
import { createCanvas, fillRect, hex, rgb } from '../shared/canvas';
import type { Canvas } from '../shared/canvas';
import { drawSegments, segmentsWidth } from '../shared/glyphs';
import { blockSize, drawFrameCode } from './frame-code';

// 75% SMPTE colour bars, left to right.
const BARS = [
  rgb(191, 191, 191),
  rgb(191, 191, 0),
  rgb(0, 191, 191),
  rgb(0, 191, 0),
  rgb(191, 0, 191),
  rgb(191, 0, 0),
  rgb(0, 0, 191),
];
const WHITE = rgb(255, 255, 255);
const BLACK = rgb(0, 0, 0);

/** Scrolling colour bars with a frame counter, a clock, a moving marker and a machine-readable frame number. */
export const testPattern = definePipeline({
  id: 'test-pattern',
  name: 'Test pattern',
  description: 'Scrolling colour bars, frame counter, clock and a frame number readable by machines (top-left).',
  params: {
    speed: p.number(0.1, { min: -2, max: 2, unit: 'width/s', label: 'Scroll speed', smoothing: 0.2 }),
    counter: p.bool(true, { label: 'Counter', description: 'Show the frame counter and clock' }),
    background: p.color('#101018', { label: 'Background' }),
  },
  create: () => {
    let scroll = 0;
    let lastTime: number | undefined;
    return {
      async load() {},
      render(ctx, params): Image {
        // Scroll is integrated so a speed change does not make the bars jump.
        scroll += Math.max(0, ctx.time - (lastTime ?? 0)) * params.speed;
        lastTime = ctx.time;
        const c = createCanvas(ctx.width, ctx.height, hex(params.background));
        drawBars(c, scroll);
        drawMarker(c, ctx.time);
        if (params.counter) drawCounter(c, ctx.frameIndex, ctx.time);
        drawFrameCode(c, ctx.frameIndex);
        return c;
      },
      unload() {},
    };
  },
});

/** Bars between the code strip and 60% of the height, shifted by `scroll` widths, plus a grey ramp below. */
function drawBars(c: Canvas, scroll: number): void {
  const { width, px } = c;
  const top = 2 * blockSize(width);
  const bottom = Math.round(c.height * 0.6);
  const shift = Math.round((((scroll % 1) + 1) % 1) * width);
  const row = new Uint32Array(width);
  for (let x = 0; x < width; x++) row[x] = BARS[Math.floor((((x + shift) % width) * BARS.length) / width)]!;
  for (let y = top; y < bottom; y++) px.set(row, y * width);
  const ramp = Math.round(c.height * 0.06);
  for (let i = 0; i < 8; i++) {
    const v = Math.round((i * 255) / 7);
    fillRect(c, (i * width) / 8, bottom, width / 8 + 1, ramp, rgb(v, v, v));
  }
}

/** A square that sweeps left and right along the bottom edge once every two seconds. */
function drawMarker(c: Canvas, time: number): void {
  const s = Math.max(4, Math.round(c.height * 0.05));
  const x = (0.5 - 0.5 * Math.cos(Math.PI * time)) * (c.width - s);
  fillRect(c, x, c.height - s - 2, s, s, WHITE);
}

/** The frame number, big, and the clock as mm:ss.mmm under it, centred in the lower part. */
function drawCounter(c: Canvas, frameIndex: number, time: number): void {
  const frame = String(frameIndex).padStart(6, '0');
  const big = Math.max(9, Math.round(c.height * 0.14));
  const small = Math.max(9, Math.round(c.height * 0.06));
  const top = Math.round(c.height * 0.68);
  const ms = Math.floor(Math.max(0, time) * 1000);
  const clock =
    `${String(Math.floor(ms / 60000) % 100).padStart(2, '0')}:` +
    `${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
  const bigWidth = segmentsWidth(frame, big);
  const pad = Math.max(2, Math.round(big / 8));
  const x = Math.round((c.width - bigWidth) / 2);
  fillRect(c, x - pad, top - pad, bigWidth + 2 * pad, big + 2 * pad, BLACK);
  drawSegments(c, frame, x, top, big, WHITE);
  const clockWidth = segmentsWidth(clock, small);
  drawSegments(c, clock, Math.round((c.width - clockWidth) / 2), top + big + 2 * pad, small, rgb(255, 210, 0));
}
