import { performance } from 'node:perf_hooks';
import type { FrameJpegs, Jpeg } from './jpeg';

export const MJPEG_BOUNDARY = 'scopeframe';

/** One multipart part: boundary, headers (seq and timestamp too, for tools and tests), JPEG, CRLF. */
function part(jpeg: Jpeg): Buffer {
  const head =
    `--${MJPEG_BOUNDARY}\r\n` +
    'Content-Type: image/jpeg\r\n' +
    `Content-Length: ${jpeg.data.length}\r\n` +
    `X-Frame-Seq: ${jpeg.seq}\r\n` +
    `X-Frame-Timestamp: ${jpeg.timestamp.toFixed(3)}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), jpeg.data, Buffer.from('\r\n', 'latin1')]);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * MJPEG responses. Each client pulls: a part is made only when the connection asks for one (highWaterMark 0,
 * and the Node adapter reads again only after the socket drained), and it is then the newest JPEG. A client
 * that stops reading simply skips frames; the engine never waits for it.
 */
export class MjpegStreams {
  private open = 0;

  constructor(private readonly jpegs: FrameJpegs) {}

  /** Clients connected now. */
  get count(): number {
    return this.open;
  }

  /** A multipart/x-mixed-replace response; `fps` caps this client's rate. */
  response(fps?: number): Response {
    const minIntervalMs = fps ? 1000 / fps : 0;
    const abort = new AbortController();
    let last = -1;
    let lastAt = -Infinity;
    let counted = true;
    this.open++;
    const finish = () => {
      if (counted) this.open--;
      counted = false;
      abort.abort();
    };
    const body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          if (minIntervalMs > 0) await sleep(lastAt + minIntervalMs - performance.now(), abort.signal);
          const jpeg = await this.jpegs.next(last, abort.signal);
          if (abort.signal.aborted) return;
          if (!jpeg) {
            // The server is stopping: end the multipart body properly.
            finish();
            controller.enqueue(Buffer.from(`--${MJPEG_BOUNDARY}--\r\n`, 'latin1'));
            controller.close();
            return;
          }
          last = jpeg.seq;
          lastAt = performance.now();
          controller.enqueue(part(jpeg));
        },
        cancel: finish,
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      headers: {
        'Content-Type': `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`,
        'Cache-Control': 'no-cache, no-store, must-revalidate',
        Pragma: 'no-cache',
        'X-Accel-Buffering': 'no',
      },
    });
  }
}
