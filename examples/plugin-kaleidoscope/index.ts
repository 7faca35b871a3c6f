/**
 * An example pipeline plugin: a kaleidoscope. The default export is a function of the plugin API, so the plugin
 * takes its builders from whichever server loads it and imports only types from `daydream-scope/plugin`.
 */
import type { Image, PluginApi } from 'daydream-scope/plugin';

const TAU = 2 * Math.PI;
const paletteNames = ['jewel', 'ember', 'ice'] as const;

type Rgb = [number, number, number];
type Colours = [Rgb, Rgb, Rgb];

/** Three colours per palette, mixed by the pattern, as 0..1 RGB. */
const palettes: Record<(typeof paletteNames)[number], Colours> = {
  jewel: [
    [0.05, 0.1, 0.4],
    [0.1, 0.7, 0.6],
    [0.95, 0.8, 0.3],
  ],
  ember: [
    [0.15, 0.02, 0.02],
    [0.9, 0.3, 0.05],
    [1, 0.85, 0.5],
  ],
  ice: [
    [0.02, 0.05, 0.12],
    [0.3, 0.6, 0.9],
    [0.9, 0.97, 1],
  ],
};

export default function kaleidoscope({ p, definePipeline }: PluginApi) {
  return definePipeline({
    id: 'kaleidoscope',
    name: 'Kaleidoscope',
    description: 'A moving pattern folded into mirrored wedges, drawn per pixel in TypeScript (an example plugin).',
    params: {
      segments: p.int(6, { min: 2, max: 24, label: 'Segments', description: 'Mirrored wedges around the centre' }),
      spin: p.number(0.05, { min: -1, max: 1, unit: 'turn/s', smoothing: 0.3, label: 'Spin' }),
      zoom: p.number(1.5, { min: 0.25, max: 8, curve: 'log', smoothing: 0.15, label: 'Zoom' }),
      palette: p.enum('jewel', paletteNames, { label: 'Palette' }),
      hue: p.number(0, { min: -180, max: 180, unit: '°', label: 'Hue shift' }),
    },
    create: () => {
      let turn = 0;
      let last: number | undefined;
      let grid: Grid | undefined;
      return {
        async load() {},
        render(ctx, params): Image {
          // Spin is integrated, so moving the slider changes the pace without a jump.
          turn += (ctx.time - (last ?? ctx.time)) * params.spin * TAU;
          last = ctx.time;
          if (grid?.width !== ctx.width || grid.height !== ctx.height) grid = new Grid(ctx.width, ctx.height);
          const [a, b, c] = palettes[params.palette];
          const colours: Colours = [hueShift(a, params.hue), hueShift(b, params.hue), hueShift(c, params.hue)];
          return grid.draw(ctx.time, turn, params.segments, params.zoom, colours);
        },
        unload() {},
      };
    },
  });
}

/**
 * The picture is computed on a half-resolution grid (each cell fills 2x2 pixels), from polar coordinates
 * worked out once per size: plain JavaScript on the main thread has to stay well inside the frame budget.
 */
class Grid {
  private readonly cols: number;
  private readonly rows: number;
  private readonly angle: Float32Array;
  private readonly radius: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.cols = Math.ceil(width / 2);
    this.rows = Math.ceil(height / 2);
    this.angle = new Float32Array(this.cols * this.rows);
    this.radius = new Float32Array(this.cols * this.rows);
    const scale = 4 / Math.min(width, height);
    for (let y = 0; y < this.rows; y++) {
      for (let x = 0; x < this.cols; x++) {
        const dx = (x + 0.5 - this.cols / 2) * scale;
        const dy = (y + 0.5 - this.rows / 2) * scale;
        this.angle[y * this.cols + x] = Math.atan2(dy, dx);
        this.radius[y * this.cols + x] = Math.hypot(dx, dy);
      }
    }
  }

  draw(time: number, turn: number, segments: number, zoom: number, [c0, c1, c2]: Colours): Image {
    const { width, height, cols } = this;
    const data = new Uint8Array(width * height * 4).fill(255);
    const wedge = TAU / segments;
    const rgb: Rgb = [0, 0, 0];
    for (let y = 0; y < this.rows; y++) {
      for (let x = 0; x < cols; x++) {
        // Fold the angle into one wedge, mirrored about its middle, so neighbouring wedges meet seamlessly.
        let a = (((this.angle[y * cols + x]! + turn) % wedge) + wedge) % wedge;
        if (a > wedge / 2) a = wedge - a;
        const r = this.radius[y * cols + x]! * zoom;
        const f = 0.5 + 0.5 * Math.sin(6 * r * Math.cos(a) + time) * Math.cos(7 * r * Math.sin(a) - 0.7 * time);
        const g = 0.5 + 0.5 * Math.sin(9 * r - 2 * time + 3 * f);
        for (let ch = 0; ch < 3; ch++) {
          const base = c0[ch]! + (c1[ch]! - c0[ch]!) * f;
          rgb[ch] = Math.round(255 * Math.min(1, Math.max(0, base + (c2[ch]! - base) * g * g)));
        }
        for (let py = 2 * y; py < Math.min(2 * y + 2, height); py++) {
          for (let px = 2 * x; px < Math.min(2 * x + 2, width); px++) {
            const i = (py * width + px) * 4;
            [data[i], data[i + 1], data[i + 2]] = rgb;
          }
        }
      }
    }
    return { data, width, height };
  }
}

/** Rotates an RGB colour about the grey axis by `degrees`. */
function hueShift([x, y, z]: Rgb, degrees: number): Rgb {
  const th = (degrees * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th) / Math.sqrt(3);
  const k = (1 - cos) / 3;
  return [
    (cos + k) * x + (k - sin) * y + (k + sin) * z,
    (k + sin) * x + (cos + k) * y + (k - sin) * z,
    (k - sin) * x + (k + sin) * y + (cos + k) * z,
  ];
}
