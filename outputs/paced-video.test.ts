import { describe, expect, it } from 'vitest';
import { PacedVideo } from './paced-video';
import type { OutputFrame } from './output';

const frameAt = (timestamp: number) =>
  ({ timestamp, width: 4, height: 2, pixels: () => new Uint8Array(12) }) as unknown as OutputFrame;

describe('PacedVideo', () => {
  it('sends at most maxFps frames by their own timestamps, and reports the rate sent', () => {
    const opened = performance.now();
    const video = new PacedVideo();
    const got: number[] = [];
    const source = { onFrame: (f: { width: number; data: Uint8Array }) => got.push(f.data.length) };
    // 60 frames a second for two seconds, sent at most 30 a second.
    for (let i = 0; i < 120; i++) video.send(source, frameAt(1000 + (i * 1000) / 60), 30);
    expect(video.sent).toBe(60);
    expect(got.every((n) => n === 12)).toBe(true);
    expect(video.fps(opened + 2000)).toBe(30);
    // One more second at 60 offered: 30 sent; a reading within the second keeps the last figure.
    for (let i = 120; i < 180; i++) video.send(source, frameAt(1000 + (i * 1000) / 60), 30);
    expect(video.fps(opened + 2500)).toBe(30);
    expect(video.fps(opened + 3000)).toBe(30);
    expect(video.sent).toBe(90);
  });
});
