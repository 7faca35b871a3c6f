import type { Image } from '../../src/engine/frame';

/**
 * RGBA bytes -> [1, 3, H, W] floats in [-1, 1], what the VAE encoder takes. A source of another size is sampled
 * at the nearest pixel (sources are rendered at the output size, so this is the rare case).
 */
export function imageToTensor(image: Image, width: number, height: number): Float32Array {
  const out = new Float32Array(3 * width * height);
  const plane = width * height;
  const same = image.width === width && image.height === height;
  for (let y = 0; y < height; y++) {
    const sy = same ? y : Math.min(image.height - 1, Math.floor(((y + 0.5) * image.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = same ? x : Math.min(image.width - 1, Math.floor(((x + 0.5) * image.width) / width));
      const src = (sy * image.width + sx) * 4;
      const dst = y * width + x;
      for (let c = 0; c < 3; c++) out[c * plane + dst] = image.data[src + c]! / 127.5 - 1;
    }
  }
  return out;
}

/** [3, H, W] floats in [-1, 1] (the VAE decoder's output) -> RGBA bytes, clamped, opaque. */
export function tensorToImage(data: Float32Array, width: number, height: number): Image {
  const plane = width * height;
  if (data.length < 3 * plane) throw new Error(`decoder gave ${data.length} values for a ${width}x${height} image`);
  const out = new Uint8Array(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = (data[c * plane + i]! + 1) * 127.5 + 0.5;
      out[i * 4 + c] = v <= 0 ? 0 : v >= 255 ? 255 : v;
    }
    out[i * 4 + 3] = 255;
  }
  return { data: out, width, height };
}
