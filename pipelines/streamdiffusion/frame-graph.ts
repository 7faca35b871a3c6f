/**
 * The last graph of a frame on the device: the decoder's [1,3,H,W] in [-1,1] to RGBA bytes, and on request the
 * layouts outputs send (BGRA for NDI/Syphon/Spout, UYVY for NDI, I420 for WebRTC), byte for byte what
 * outputs/convert.ts makes from the RGBA on the host: integer arithmetic held exactly in float32 (products and sums
 * of bytes, divisions by powers of two), JavaScript's `>> 8` as floor(trunc(x) / 256). Channels stay planar until
 * a Concat at the end and every cast to bytes comes last, so all of it runs on WebGPU.
 */
import { GraphBuilder } from '../../src/runtime/graph-builder';
import type { DeviceFormat } from '../../src/engine/frame';

const FLOAT = 1;
const INT32 = 6;
const UINT8 = 2;

/** Studio-range coefficients ×256, as in outputs/convert.ts. */
const BT601 = { yr: 66, yg: 129, yb: 25, ur: -38, ug: -74, ub: 112, vr: 112, vg: -94, vb: -18 };
const BT709 = { yr: 47, yg: 157, yb: 16, ur: -26, ug: -87, ub: 112, vr: 112, vg: -102, vb: -10 };
type Matrix = typeof BT601;

/** Output size of each format in bytes. */
export function formatBytes(format: DeviceFormat | 'rgba', width: number, height: number): number {
  if (format === 'i420') return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
  return width * height * (format === 'uyvy' ? 2 : 4);
}

export function buildFrameGraph(
  width: number,
  height: number,
  half: boolean,
  formats: readonly DeviceFormat[] = [],
): Uint8Array {
  const g = new GraphBuilder('frame');
  let n = 0;
  const ints = (v: number[]) => g.int64s(`ints_${n++}`, v);
  const s = (v: number) => g.scalar(v);
  const op = (t: string, i: string[], a: Parameters<GraphBuilder['op']>[2] = {}) => g.op(t, i, a);
  const add = (a: string, b: string) => op('Add', [a, b]);
  const mul = (a: string, b: string) => op('Mul', [a, b]);
  const toBytes = (x: string) => op('Cast', [op('Clip', [x, s(0), s(255)])], { to: { int: UINT8 } });
  /** JavaScript's (x >> 8) for the sums in convert.ts: truncation to an integer, then an arithmetic shift. */
  const shift8 = (x: string) =>
    op('Floor', [mul(op('Cast', [op('Cast', [x], { to: { int: INT32 } })], { to: { int: FLOAT } }), s(1 / 256))]);
  const dot = (c: [string, string, string], w: [number, number, number]) =>
    add(add(add(mul(c[0], s(w[0])), mul(c[1], s(w[1]))), mul(c[2], s(w[2]))), s(128));
  const luma = (c: [string, string, string], m: Matrix) => add(shift8(dot(c, [m.yr, m.yg, m.yb])), s(16));
  const chroma = (c: [string, string, string], m: Matrix) => [
    add(shift8(dot(c, [m.ur, m.ug, m.ub])), s(128)),
    add(shift8(dot(c, [m.vr, m.vg, m.vb])), s(128)),
  ];
  const split3 = (x: string): [string, string, string] => {
    const first = g.op('Split', [x, ints([1, 1, 1])], { axis: { int: 1 } }, 3);
    return [first, `${first}_1`, `${first}_2`];
  };

  let x = g.input('sample', half ? 'float16' : 'float', [1, 3, height, width]);
  if (half) x = op('Cast', [x], { to: { int: FLOAT } });
  // The bytes tensorToImage makes: (x + 1)·127.5 + 0.5 clamped, truncated; kept as whole numbers in float.
  const bytes = op('Floor', [op('Clip', [add(mul(x, s(127.5)), s(128)), s(0), s(255)])]);
  const rgb = split3(bytes);
  const alpha = add(mul(rgb[0], s(0)), s(255));
  const plane = ints([height, width, 1]);
  const channelsLast = (planes: string[]) =>
    op(
      'Concat',
      planes.map((p) => op('Reshape', [p, plane])),
      { axis: { int: 2 } },
    );

  g.output(toBytes(channelsLast([...rgb, alpha])), 'rgba', 'uint8', [height, width, 4]);
  if (formats.includes('bgra')) {
    g.output(toBytes(channelsLast([rgb[2], rgb[1], rgb[0], alpha])), 'bgra', 'uint8', [height, width, 4]);
  }
  if (formats.includes('i420')) {
    const [cw, ch] = [Math.ceil(width / 2), Math.ceil(height / 2)];
    // 2×2 means over the pixels inside the image, as convert.ts averages edge blocks over fewer pixels.
    const pooled = op('AveragePool', [bytes], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: { int: 1 } });
    const [u, v] = chroma(split3(pooled), BT601);
    const flat = (t: string, count: number) => op('Reshape', [t, ints([count])]);
    const planes = [flat(luma(rgb, BT601), width * height), flat(u!, cw * ch), flat(v!, cw * ch)];
    g.output(toBytes(op('Concat', planes, { axis: { int: 0 } })), 'i420', 'uint8', [
      formatBytes('i420', width, height),
    ]);
  }
  if (formats.includes('uyvy')) {
    if (width % 2 !== 0) throw new Error(`UYVY needs an even width, got ${width}`);
    const m = height >= 720 ? BT709 : BT601;
    const pairs = op('AveragePool', [bytes], { kernel_shape: [1, 2], strides: [1, 2] });
    const [u, v] = chroma(split3(pairs), m);
    const y = luma(rgb, m);
    const every2 = (start: number) => op('Slice', [y, ints([start]), ints([width]), ints([3]), ints([2])]);
    const half2 = ints([height, width / 2, 1]);
    const parts = [u!, every2(0), v!, every2(1)].map((p) => op('Reshape', [p, half2]));
    const packed = op('Reshape', [op('Concat', parts, { axis: { int: 2 } }), ints([width * height * 2])]);
    g.output(toBytes(packed), 'uyvy', 'uint8', [width * height * 2]);
  }
  return g.toBytes();
}
