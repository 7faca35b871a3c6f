import { palettes } from './palettes';
import type { colourModes } from './palettes';
import { mulberry32 } from '../../src/runtime/seeded-random';

/** The runtime controls of neural-field as render() reads them from the parameter snapshot. */
export interface FieldControls {
  zoom: number;
  speed: number;
  walk: number;
  spin: number;
  hue: number;
  palette: (typeof colourModes)[number];
  symmetry: (typeof symmetries)[number];
  contrast: number;
  saturation: number;
  brightness: number;
  shading: number;
}

export const symmetries = [
  'none',
  'mirror-x',
  'mirror-xy',
  'kaleido-3',
  'kaleido-4',
  'kaleido-6',
  'kaleido-8',
] as const;

const TAU = 2 * Math.PI;
const LUMA = [0.2126, 0.7152, 0.0722];

/**
 * The graph's per-frame inputs, kept in buffers that live as long as the pipeline so a frame allocates nothing.
 * Motion is integrated (phase += speed * dt) rather than computed from time, so moving the speed slider mid-show
 * changes the pace without a jump.
 */
export class FrameInputs {
  readonly view = new Float32Array(2);
  readonly fold = new Float32Array(5);
  readonly latent: Float32Array;
  readonly palette = new Float32Array(12);
  readonly mix = new Float32Array(2);
  readonly grade = new Float32Array(16);
  private readonly freq: Float32Array;
  private readonly offset: Float32Array;
  private walkPhase = 0;
  private rotation = 0;
  private lastTime: number | undefined;

  constructor(seed: number, latentSize: number) {
    const rand = mulberry32(seed * 31 + 5);
    this.latent = new Float32Array(latentSize);
    // Two incommensurate sines per dimension, so the walk does not visibly loop.
    this.freq = Float32Array.from({ length: latentSize * 2 }, () => 0.02 + rand() * 0.06);
    this.offset = Float32Array.from({ length: latentSize * 2 }, () => rand() * TAU);
  }

  /** Advances the motion to `time` and writes every input for one frame. */
  update(time: number, c: FieldControls): void {
    // The first frame counts from time 0, so a fresh instance rendering time t shows what t seconds of motion give.
    const dt = Math.max(0, time - (this.lastTime ?? 0));
    this.lastTime = time;
    this.walkPhase += dt * c.speed;
    this.rotation += dt * c.spin * TAU;

    for (let i = 0; i < this.latent.length; i++) {
      const a = Math.sin(TAU * this.freq[2 * i]! * this.walkPhase + this.offset[2 * i]!);
      const b = Math.sin(TAU * this.freq[2 * i + 1]! * this.walkPhase * 1.618 + this.offset[2 * i + 1]!);
      this.latent[i] = c.walk * (0.8 * a + 0.6 * b);
    }
    this.view[0] = c.zoom;
    this.view[1] = this.rotation % TAU;
    this.writeFold(c.symmetry);
    this.writePalette(c.palette);
    this.mix[1] = c.shading;
    this.writeGrade(c);
  }

  private writeFold(symmetry: string): void {
    // Wedges of `half` radians mirrored about their edges: n = 1 mirrors left/right, n = 2 both axes.
    const n = symmetry === 'mirror-x' ? 1 : symmetry === 'mirror-xy' ? 2 : Number(symmetry.split('-')[1] ?? 0);
    const on = Number.isFinite(n) && n > 0;
    const half = on ? Math.PI / n : Math.PI;
    this.fold.set([2 * half, 1 / (2 * half), half, Math.PI / 2, on ? 1 : 0]);
  }

  private writePalette(name: FieldControls['palette']): void {
    const pal = name === 'rgb' ? undefined : palettes[name];
    this.mix[0] = pal ? 0 : 1;
    if (!pal) return;
    for (let ch = 0; ch < 3; ch++) {
      this.palette.set([pal.a[ch]!, pal.b[ch]!, TAU * pal.c[ch]!, TAU * pal.d[ch]!], ch * 4);
    }
  }

  /** Saturation, hue rotation about the grey axis, contrast and brightness as one affine map, scaled to bytes. */
  private writeGrade(c: FieldControls): void {
    const s = c.saturation;
    const th = (c.hue * Math.PI) / 180;
    const cos = Math.cos(th);
    const sin = Math.sin(th) / Math.sqrt(3);
    const k = (1 - cos) / 3;
    // Rotation about (1, 1, 1) for column vectors. The graph computes out_j = Σ_i grade[j][i] c_i + grade[j][3].
    const hue = [cos + k, k - sin, k + sin, k + sin, cos + k, k - sin, k - sin, k + sin, cos + k];
    const gain = 255 * c.contrast;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let m = 0;
        // Saturation first, S[i][q] = s δiq + (1 - s) luma_i, then the hue rotation's row j.
        for (let q = 0; q < 3; q++) m += (s * (i === q ? 1 : 0) + (1 - s) * LUMA[i]!) * hue[j * 3 + q]!;
        this.grade[j * 4 + i] = gain * m;
      }
      this.grade[12 + i] = 0;
    }
    const offset = 255 * (0.5 * (1 - c.contrast) + c.brightness) + 0.5;
    for (let j = 0; j < 4; j++) this.grade[j * 4 + 3] = j < 3 ? offset : 255.5;
  }
}
