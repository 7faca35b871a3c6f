import { sampleImage } from '../src/media/sample';
import { scaleImage } from '../src/media/scale';
import type { Image } from '../src/engine/frame';
import type { RawPicture } from '../src/media/sample';
import type { Fit } from '../src/media/scale';
import type { SourceFrame } from './source';

interface Held {
  frame: SourceFrame;
  /** When it arrived (the hub's timers). */
  at: number;
  seq: number;
}

/**
 * One source's newest frame and what was made of it: its RGBA (converted at most once), its picture at the
 * pipeline's size and a preview (each made at most once per frame). A frame that cannot be read is dropped and
 * the last one that could stays on.
 */
export class HeldFrame {
  private latest: Held | undefined;
  private good: Held | undefined;
  private rgba: { seq: number; image: Image } | undefined;
  private sized: { seq: number; key: string; image: Image } | undefined;
  private small: { seq: number; image: Image } | undefined;
  private seq = 0;

  constructor(private readonly log: (message: string) => void) {}

  /** Takes a new frame (nothing is converted here). */
  put(frame: SourceFrame, at: number): void {
    this.latest = { frame, at, seq: ++this.seq };
  }

  /** The newest frame's size and arrival, if there is one. */
  get newest(): { width: number; height: number; at: number } | undefined {
    const l = this.latest;
    return l && { width: l.frame.width, height: l.frame.height, at: l.at };
  }

  /** The picture at width x height with `fit`, made once per frame and size. */
  sizedTo(width: number, height: number, fit: Fit): Image | undefined {
    const key = `${width}x${height}:${fit}`;
    if (this.sized && this.sized.seq === this.latest?.seq && this.sized.key === key) return this.sized.image;
    const made = this.picture(width, height, fit);
    if (made) this.sized = { ...made, key };
    return made?.image;
  }

  /** A picture at most `maxWidth` wide, the aspect kept (previews). */
  preview(maxWidth: number): Image | undefined {
    const l = this.latest;
    if (!l) return undefined;
    if (this.small?.seq === l.seq) return this.small.image;
    const width = Math.min(maxWidth, l.frame.width);
    const height = Math.max(1, Math.round((width * l.frame.height) / l.frame.width));
    const made = this.picture(width, height, 'stretch');
    if (made) this.small = made;
    return made?.image;
  }

  /**
   * The newest frame at width x height: sampled straight from its received layout when it has one and must be
   * scaled (no full-size conversion), else converted to RGBA once and scaled.
   */
  private picture(width: number, height: number, fit: Fit): { seq: number; image: Image } | undefined {
    const held = this.latest;
    if (!held) return undefined;
    const image = this.make(held, width, height, fit);
    if (image) {
      this.good = held;
      return { seq: held.seq, image };
    }
    const good = (this.latest = this.good);
    const again = good && this.make(good, width, height, fit);
    return good && again ? { seq: good.seq, image: again } : undefined;
  }

  private make(held: Held, width: number, height: number, fit: Fit): Image | undefined {
    const raw = held.frame.raw;
    if (raw && (raw.width !== width || raw.height !== height) && rawFits(raw)) {
      return sampleImage(raw, width, height, fit);
    }
    if (this.rgba?.seq !== held.seq) {
      try {
        const data = held.frame.rgba();
        const { width: w, height: h } = held.frame;
        if (data.length !== w * h * 4) throw new Error(`${data.length} bytes for ${w}x${h} RGBA`);
        this.rgba = { seq: held.seq, image: { data, width: w, height: h } };
      } catch (err) {
        this.log(`a frame could not be read (${(err as Error).message})`);
        return undefined;
      }
    }
    const rgba = this.rgba.image;
    return rgba.width === width && rgba.height === height ? rgba : scaleImage(rgba, width, height, fit);
  }
}

/** Whether a received picture's buffer holds all its bytes (a short one goes the checked RGBA way and is dropped). */
function rawFits(p: RawPicture): boolean {
  const { width: w, height: h } = p;
  if (p.layout === 'i420') return p.data.length >= w * h + 2 * ((w + 1) >> 1) * ((h + 1) >> 1);
  const bpp = p.layout === 'uyvy' ? 2 : 4;
  return p.data.length >= (p.stride ?? w * bpp) * (h - 1) + w * bpp;
}
