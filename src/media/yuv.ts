/**
 * Studio-range (Y 16-235, chroma 16-240) YUV coefficients scaled by 256: BT.601 for SD, BT.709 for HD, as
 * receivers and senders expect (NDI documents the switch at 720 lines; WebRTC's I420 is BT.601).
 */
export interface YuvMatrix {
  /** RGB -> Y, U, V rows. */
  yr: number;
  yg: number;
  yb: number;
  ur: number;
  ug: number;
  ub: number;
  vr: number;
  vg: number;
  vb: number;
  /** Y, U, V -> RGB: R = y*Y + rv*V, G = y*Y + gu*U + gv*V, B = y*Y + bu*U (Y - 16, U/V - 128). */
  y: number;
  rv: number;
  gu: number;
  gv: number;
  bu: number;
}

// prettier-ignore
export const BT601: YuvMatrix = {
  yr: 66, yg: 129, yb: 25, ur: -38, ug: -74, ub: 112, vr: 112, vg: -94, vb: -18,
  y: 298, rv: 409, gu: -100, gv: -208, bu: 516,
};
// prettier-ignore
export const BT709: YuvMatrix = {
  yr: 47, yg: 157, yb: 16, ur: -26, ug: -87, ub: 112, vr: 112, vg: -102, vb: -10,
  y: 298, rv: 459, gu: -55, gv: -136, bu: 541,
};

/** BT.709 from 720 lines up, BT.601 below. */
export const matrixFor = (height: number): YuvMatrix => (height >= 720 ? BT709 : BT601);

export const clamp8 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
