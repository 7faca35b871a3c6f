import type { Frame, Image } from '../engine/frame';

/**
 * The newest conditioning picture (what the pre-processor chain gave the pipeline), as frames of a stream of its
 * own: an MJPEG route and a JPEG snapshot serve it, so a depth map can go to another program beside the output.
 */
export class ConditioningFeed {
  private frame: Frame | undefined;
  private seq = 0;
  private readonly listeners = new Set<(frame: Frame) => void>();

  constructor(private readonly now: () => number) {}

  latest(): Frame | undefined {
    return this.frame;
  }

  onFrame(listener: (frame: Frame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(image: Image, pipelineId = 'preprocess'): void {
    const { data, width, height } = image;
    const frame: Frame = { data, width, height, seq: this.seq++, timestamp: this.now(), pipelineId, repeated: false };
    this.frame = frame;
    for (const l of this.listeners) {
      try {
        l(frame);
      } catch {
        // A listener's bug must not reach the render that published the picture.
      }
    }
  }
}
