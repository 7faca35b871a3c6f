/**
 * Renders neural-field stills to PNG and times it, outside the server:
 *   npx tsx pipelines/neural-field/preview.ts [--out f.png] [--time 4] [--size 512] [--frames 100] [key=value ...]
 *   npx tsx pipelines/neural-field/preview.ts --sheet contact-sheet.png [key=value ...]
 * --frames renders that many frames at 30 fps time steps and prints ms/frame.
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { OrtRuntime } from '../../src/runtime/ort';
import type { Image } from '../../src/engine/frame';
import type { ParamSnapshot, Pipeline } from '../../src/engine/pipeline';
import { snapshotOf } from '../../src/engine/snapshot';
import { neuralField } from './neural-field';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'neural-field.png' },
    sheet: { type: 'string' },
    time: { type: 'string', default: '4' },
    size: { type: 'string', default: '512' },
    frames: { type: 'string', default: '0' },
  },
});

const runtime = new OrtRuntime();
const size = Number(values.size);
const overrides = Object.fromEntries(positionals.map((kv) => kv.split('=') as [string, string]));

type FieldParams = typeof neuralField.params;

/** Defaults with the key=value overrides and `extra`, each sanitized by its spec (so "9" is the number 9). */
function paramsWith(extra: Record<string, string>, w = size, h = size): ParamSnapshot<FieldParams> {
  return snapshotOf(neuralField.params, { width: w, height: h }, { ...overrides, ...extra });
}

async function loaded(params: ParamSnapshot<FieldParams>, w = size, h = size): Promise<Pipeline<FieldParams>> {
  const pipeline = neuralField.create();
  const signal = new AbortController().signal;
  await pipeline.load({ width: w, height: h, params, runtime, signal, progress: () => {}, log: console.log });
  return pipeline;
}

async function still(params: ParamSnapshot<FieldParams>, time: number, w = size, h = size): Promise<Image> {
  const pipeline = await loaded(params, w, h);
  const image = await pipeline.render({ time, dt: 0, frameIndex: 0, width: w, height: h }, params);
  await pipeline.unload();
  return image;
}

// Adaptive filtering keeps the smooth gradients of a 512x512 still near 100 KB, losslessly.
const pngOptions = { compressionLevel: 9, adaptiveFiltering: true, effort: 10 };
const png = (img: Image) =>
  sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } }).png(pngOptions);

if (values.sheet) {
  const half = size / 2;
  const looks = [
    { palette: 'rgb', symmetry: 'none', seed: '9' },
    { palette: 'oil', symmetry: 'kaleido-6', seed: '3' },
    { palette: 'fire', symmetry: 'mirror-x', seed: '5' },
    { palette: 'ocean', symmetry: 'kaleido-8', seed: '12' },
  ];
  // Tiles are half size, so the network runs at full tile resolution: the same grid as a 512 output at 0.5.
  const tiles = await Promise.all(
    looks.map(async (look) =>
      png(
        await still(paramsWith({ renderScale: '1', ...look }, half, half), Number(values.time), half, half),
      ).toBuffer(),
    ),
  );
  const composite = tiles.map((input, i) => ({ input, left: (i % 2) * half, top: Math.floor(i / 2) * half }));
  await sharp({ create: { width: size, height: size, channels: 4, background: '#000' } })
    .composite(composite)
    .png(pngOptions)
    .toFile(values.sheet);
} else {
  const params = paramsWith({});
  await png(await still(params, Number(values.time))).toFile(values.out);
}

const frames = Number(values.frames);
if (frames > 0) {
  const params = paramsWith({});
  const pipeline = await loaded(params);
  const times: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    await pipeline.render({ time: i / 30, dt: 1 / 30, frameIndex: i, width: size, height: size }, params);
    times.push(performance.now() - t0);
  }
  await pipeline.unload();
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / frames;
  const at = (q: number) => times[Math.min(frames - 1, Math.floor(q * frames))]!.toFixed(1);
  console.log(
    `${size}x${size}: mean ${mean.toFixed(1)} ms, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms over ${frames} frames`,
  );
}
