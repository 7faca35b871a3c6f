import type { Image } from '../../src/engine/frame';

/**
 * Scales `src` to cover width x height (the excess centre-cropped) with bilinear filtering, optionally mirrored.
 * Pure JS, a few milliseconds at 512x512: fine for a passthrough.
 */
export function scaleCover(src: Image, width: number, height: number, mirror = false): Image {
  const scale = Math.max(width / src.width, height / src.height);
  const cols = taps(width, src.width, scale, mirror);
  const rows = taps(height, src.height, scale, false);
  const out = new Uint8Array(width * height * 4);
  const s = src.data;
  const stride = src.width * 4;
  let o = 0;
  for (let j = 0; j < height; j++) {
    const r0 = rows.a[j]! * stride;
    const r1 = rows.b[j]! * stride;
    const fy = rows.f[j]!;
    for (let i = 0; i < width; i++) {
      const a = cols.a[i]! * 4;
      const b = cols.b[i]! * 4;
      const fx = cols.f[i]!;
      for (let ch = 0; ch < 3; ch++) {
        const top = s[r0 + a + ch]! + (s[r0 + b + ch]! - s[r0 + a + ch]!) * fx;
        const bottom = s[r1 + a + ch]! + (s[r1 + b + ch]! - s[r1 + a + ch]!) * fx;
        // Uint8Array stores truncate: +0.5 rounds, and the sum never exceeds 255.5.
        out[o++] = top + (bottom - top) * fy + 0.5;
      }
      out[o++] = 255;
    }
  }
  return { data: out, width, height };
}

/** For each output position: the two source indices either side of its centre and the weight of the second. */
function taps(outSize: number, srcSize: number, scale: number, mirror: boolean) {
  const a = new Int32Array(outSize);
  const b = new Int32Array(outSize);
  const f = new Float32Array(outSize);
  // The crop is centred: the source window starts `offset` pixels in.
  const offset = (srcSize - outSize / scale) / 2;
  for (let i = 0; i < outSize; i++) {
    const k = mirror ? outSize - 1 - i : i;
    const pos = Math.min(srcSize - 1, Math.max(0, (k + 0.5) / scale - 0.5 + offset));
    a[i] = Math.floor(pos);
    b[i] = Math.min(srcSize - 1, a[i]! + 1);
    f[i] = pos - a[i]!;
  }
  return { a, b, f };
}
