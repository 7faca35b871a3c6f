import { performance } from 'node:perf_hooks';
import type { FrameJpegs, Jpeg } from './frame-jpegs';

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
export interface MjpegStreamsOptions {
  /** A cap on every client's rate (the MJPEG output's maxFps); 0 for none. A client's `?fps=` may go lower. */
  maxFps: number;
}

export class MjpegStreams {
  private open = 0;
  private readonly enders = new Set<() => void>();
  /** Off: new requests get a 503 (the MJPEG output is disabled). */
  enabled = true;
  maxFps: number;
  /** Parts sent to all clients since start (the MJPEG output reports a rate from it). */
  sent = 0;

  constructor(
    private readonly jpegs: FrameJpegs,
    options: Partial<MjpegStreamsOptions> = {},
  ) {
    this.maxFps = options.maxFps ?? 0;
  }

  /** Clients connected now. */
  get count(): number {
    return this.open;
  }

  /** Ends every open stream properly (closing boundary), e.g. when the MJPEG output is turned off. */
  endAll(): void {
    for (const end of [...this.enders]) end();
  }

  /** A multipart/x-mixed-replace response; `fps` caps this client's rate. */
  response(fps?: number): Response {
    if (!this.enabled) {
      return Response.json(
        { error: { code: 'no_frame', message: 'the MJPEG output is off; enable it in /api/v1/outputs' } },
        { status: 503 },
      );
    }
    const cap = Math.min(fps || Infinity, this.maxFps || Infinity);
    const minIntervalMs = Number.isFinite(cap) ? 1000 / cap : 0;
    const abort = new AbortController();
    let last = -1;
    let lastAt = -Infinity;
    let counted = true;
    this.open++;
    let end: (() => void) | undefined;
    const finish = () => {
      if (counted) this.open--;
      counted = false;
      if (end) this.enders.delete(end);
      abort.abort();
    };
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          end = () => {
            finish();
            try {
              controller.enqueue(Buffer.from(`--${MJPEG_BOUNDARY}--\r\n`, 'latin1'));
              controller.close();
            } catch {
              // Already closed or cancelled by the client.
            }
          };
          this.enders.add(end);
        },
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
          this.sent++;
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
