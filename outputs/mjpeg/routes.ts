import { Hono } from 'hono';
import { z } from 'zod';
import { apiPaths } from '../../src/shared/api-paths';
import { routes } from '../../src/http/routes';
import type { RouteDoc } from '../../src/shared/route-doc';
import { numberTextSchema } from '../../src/shared/numbers';
import { ScopeError } from '../../src/kernel/errors';
import { encodeJpeg } from './frame-jpegs';
import type { Frame } from '../../src/engine/frame';
import type { Jpeg } from './frame-jpegs';
import type { MjpegOutput } from './mjpeg-output';

const frameQuery = z.object({ quality: numberTextSchema.pipe(z.number().int().min(1).max(100)).optional() });
const streamQuery = z.object({ fps: numberTextSchema.pipe(z.number().positive().max(240)).optional() });

/**
 * `/frame` (the newest frame as one JPEG) and `/stream.mjpeg`, mounted under /api/v1: the MJPEG output brings its
 * routes as WHEP does. `latest` is the engine's newest frame, for snapshots while the MJPEG output is off.
 */
export function mjpegRoutes(output: MjpegOutput, frames: { latest(): Frame | undefined }): Hono {
  const api = new Hono();
  const r = routes(api);

  const frameDoc = {
    summary: 'the newest frame as JPEG; headers X-Frame-Seq, X-Frame-Timestamp, X-Pipeline',
    query: frameQuery,
    responses: { 200: { media: 'image/jpeg', description: 'the newest frame' } },
    errors: ['no_frame'],
  } satisfies RouteDoc;
  r.get('/frame', frameDoc, async (c) => {
    const { quality } = c.req.valid('query');
    const frame = frames.latest();
    if (!frame) throw new ScopeError('no_frame', 'no frame has been rendered yet');
    let jpeg: Jpeg | undefined;
    if (output.streams.enabled && (quality === undefined || quality === output.jpegs.quality)) {
      // Shared with the MJPEG clients: encoded once per frame whoever asks.
      jpeg = await output.jpegs.next(frame.seq - 1);
    } else {
      // A quality of its own, or the MJPEG output is off (its JPEGs do not follow the engine then).
      const { seq, timestamp, pipelineId, width, height } = frame;
      const data = await encodeJpeg(frame, quality ?? output.jpegs.quality);
      jpeg = { seq, timestamp, pipelineId, width, height, data };
    }
    if (!jpeg) throw new ScopeError('no_frame', 'the server is stopping');
    return c.body(new Uint8Array(jpeg.data), 200, {
      'Content-Type': 'image/jpeg',
      'Cache-Control': 'no-store',
      'X-Frame-Seq': String(jpeg.seq),
      'X-Frame-Timestamp': jpeg.timestamp.toFixed(3),
      'X-Pipeline': jpeg.pipelineId,
    });
  });

  const streamDoc = {
    summary: 'the frames as a multipart JPEG stream; ?fps= caps it for this client',
    query: streamQuery,
    responses: { 200: { media: 'multipart/x-mixed-replace', description: 'one JPEG part per frame' } },
    errors: ['no_frame'],
  } satisfies RouteDoc;
  r.get(apiPaths.stream, streamDoc, (c) => {
    const { fps } = c.req.valid('query');
    return output.streams.response(fps);
  });

  return api;
}
