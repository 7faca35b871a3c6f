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

  it('a loop that runs late loses no frame to the pacing: after a stall every newer frame goes out', () => {
    // The engine's timestamps are the frames' due times: a late loop skips slots (a jump forward), then goes on
    // one interval at a time, and its frames may reach the output in a burst. None of that is "too soon".
    const video = new PacedVideo();
    const sent: number[] = [];
    let current = 0;
    const source = { onFrame: () => sent.push(current) };
    const interval = 1000 / 30;
    const due = [0, 1, 2, 3, 12, 13, 14, 15, 16, 40, 41, 42].map((slot) => 5000 + slot * interval);
    for (const t of due) {
      current = t;
      video.send(source, frameAt(t), 30);
    }
    expect(sent).toEqual(due);
  });
});
