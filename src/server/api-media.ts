import { Hono } from 'hono';
import { z } from 'zod';
import { statsOf } from '../kernel/actions';
import { ScopeError, parseWith } from '../kernel/errors';
import { encodeJpeg } from './jpeg';
import type { ClientCounts } from '../kernel/actions';
import type { FrameJpegs, Jpeg } from './jpeg';
import type { MjpegStreams } from './mjpeg';
import type { ScopeServices } from '../kernel/services';

const frameQuery = z.object({ quality: z.coerce.number().int().min(1).max(100).optional() });
const streamQuery = z.object({ fps: z.coerce.number().positive().max(240).optional() });

export interface MediaDeps {
  jpegs: FrameJpegs;
  mjpeg: MjpegStreams;
  clients: ClientCounts;
}

/** `/api/v1/stats`, `/api/v1/frame` (newest frame as JPEG) and `/api/v1/stream.mjpeg`. */
export function mediaRoutes(services: ScopeServices, deps: MediaDeps): Hono {
  const api = new Hono();

  api.get('/stats', (c) => c.json(statsOf(services, deps.clients)));

  api.get('/frame', async (c) => {
    const { quality } = parseWith(frameQuery, c.req.query(), 'invalid_query', 'query');
    const frame = services.engine.latest();
    if (!frame) throw new ScopeError('no_frame', 'no frame has been rendered yet');
    let jpeg: Jpeg | undefined;
    if (deps.mjpeg.enabled && (quality === undefined || quality === deps.jpegs.quality)) {
      // Shared with the MJPEG clients: encoded once per frame whoever asks.
      jpeg = await deps.jpegs.next(frame.seq - 1);
    } else {
      const { seq, timestamp, pipelineId, width, height } = frame;
      // A quality of its own, or the MJPEG output is off (its JPEGs do not follow the engine then).
      const data = await encodeJpeg(frame, quality ?? deps.jpegs.quality);
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

  api.get('/stream.mjpeg', (c) => {
    const { fps } = parseWith(streamQuery, c.req.query(), 'invalid_query', 'query');
    return deps.mjpeg.response(fps);
  });

  return api;
}
