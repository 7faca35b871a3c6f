/** A second-order filter (the RBJ Audio EQ Cookbook forms), run sample by sample. */
export type BiquadKind = 'lowpass' | 'highpass';

export class Biquad {
  private b0: number;
  private b1: number;
  private b2: number;
  private a1: number;
  private a2: number;
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  constructor(kind: BiquadKind, frequency: number, sampleRate: number, q = Math.SQRT1_2) {
    const w0 = (2 * Math.PI * Math.min(frequency, sampleRate * 0.49)) / sampleRate;
    const alpha = Math.sin(w0) / (2 * q);
    const cos = Math.cos(w0);
    const a0 = 1 + alpha;
    const b1 = kind === 'lowpass' ? 1 - cos : -(1 + cos);
    const b0 = kind === 'lowpass' ? (1 - cos) / 2 : (1 + cos) / 2;
    this.b0 = b0 / a0;
    this.b1 = b1 / a0;
    this.b2 = b0 / a0;
    this.a1 = (-2 * cos) / a0;
    this.a2 = (1 - alpha) / a0;
  }

  step(x: number): number {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}
