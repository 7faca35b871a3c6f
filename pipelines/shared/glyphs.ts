import { fillRect } from './canvas';
import type { Canvas } from './canvas';

// Segments a..g of a seven-segment digit, clockwise from the top, g in the middle.
const SEGMENTS: Record<string, string> = {
  '0': 'abcdef',
  '1': 'bc',
  '2': 'abged',
  '3': 'abgcd',
  '4': 'fgbc',
  '5': 'afgcd',
  '6': 'afgedc',
  '7': 'abc',
  '8': 'abcdefg',
  '9': 'abcdfg',
  '-': 'g',
  ' ': '',
};

/**
 * Draws digits, '-', ':' and '.' as seven-segment glyphs `height` pixels tall with the top-left at (x, y);
 * returns the width drawn. No font files: every glyph is a few rectangles.
 */
export function drawSegments(c: Canvas, text: string, x: number, y: number, height: number, colour: number): number {
  const t = Math.max(1, Math.round(height / 9));
  const w = Math.round(height / 2);
  const mid = y + Math.round((height - t) / 2);
  let cx = x;
  for (const ch of text) {
    if (ch === ':' || ch === '.') {
      if (ch === ':') fillRect(c, cx + t, y + Math.round(height * 0.3), t, t, colour);
      fillRect(c, cx + t, y + (ch === ':' ? Math.round(height * 0.65) : height - t), t, t, colour);
      cx += 3 * t;
      continue;
    }
    const segs = SEGMENTS[ch] ?? '';
    const rect = (sx: number, sy: number, sw: number, sh: number) => fillRect(c, sx, sy, sw, sh, colour);
    if (segs.includes('a')) rect(cx, y, w, t);
    if (segs.includes('b')) rect(cx + w - t, y, t, mid - y + t);
    if (segs.includes('c')) rect(cx + w - t, mid, t, y + height - mid);
    if (segs.includes('d')) rect(cx, y + height - t, w, t);
    if (segs.includes('e')) rect(cx, mid, t, y + height - mid);
    if (segs.includes('f')) rect(cx, y, t, mid - y + t);
    if (segs.includes('g')) rect(cx, mid, w, t);
    cx += w + 2 * t;
  }
  return cx - x;
}

/** Width drawSegments would draw for `text` at `height`. */
export function segmentsWidth(text: string, height: number): number {
  const t = Math.max(1, Math.round(height / 9));
  const w = Math.round(height / 2);
  let width = 0;
  for (const ch of text) width += ch === ':' || ch === '.' ? 3 * t : w + 2 * t;
  return width;
}

// A 5x7 bitmap for the few letters the built-in pipelines write; rows top to bottom, MSB left.
const LETTERS: Record<string, number[]> = {
  N: [0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11],
  O: [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
  I: [0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e],
  P: [0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10],
  U: [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
  T: [0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
  ' ': [0, 0, 0, 0, 0, 0, 0],
};

/** Draws upper-case text in the 5x7 bitmap font, each dot `scale` pixels; returns the width drawn. */
export function drawText(c: Canvas, text: string, x: number, y: number, scale: number, colour: number): number {
  let cx = x;
  for (const ch of text) {
    const rows = LETTERS[ch] ?? LETTERS[' ']!;
    rows.forEach((bits, row) => {
      for (let col = 0; col < 5; col++) {
        if (bits & (0x10 >> col)) fillRect(c, cx + col * scale, y + row * scale, scale, scale, colour);
      }
    });
    cx += 6 * scale;
  }
  return cx - x - scale;
}
