/**
 * Output frames handed to a WebRTC video source (WHEP viewers, the WHIP push) as I420, at most `maxFps` of them,
 * paced by the frames' own timestamps so a manual or fixed-step clock behaves like the real one; and the rate
 * actually sent, as the outputs report it.
 */
import { performance } from 'node:perf_hooks';
import type { OutputFrame } from './output';

interface VideoSource {
  onFrame(frame: { width: number; height: number; data: Uint8Array }): void;
}

export class PacedVideo {
  /** Frames handed to the source (tests and the bench check the sharing). */
  sent = 0;
  private lastSentAt = -Infinity;
  /** Frames sent per second, measured over at least a second. */
  private rate = { at: performance.now(), sent: 0, fps: 0 };

  /** Sends `frame` unless it comes sooner than 1/maxFps after the last one sent. */
  send(source: VideoSource, frame: OutputFrame, maxFps: number): void {
    if (frame.timestamp - this.lastSentAt < 1000 / maxFps - 0.5) return;
    this.lastSentAt = frame.timestamp;
    source.onFrame({ width: frame.width, height: frame.height, data: frame.pixels('i420') });
    this.sent++;
  }

  /** The rate sent, to a tenth of a frame per second, refreshed at most once a second. */
  fps(now = performance.now()): number {
    if (now - this.rate.at >= 1000) {
      this.rate = { at: now, sent: this.sent, fps: ((this.sent - this.rate.sent) * 1000) / (now - this.rate.at) };
    }
    return Math.round(this.rate.fps * 10) / 10;
  }
}
