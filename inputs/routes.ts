import { Hono } from 'hono';
import sharp from 'sharp';
import { z } from 'zod';
import { ScopeError, describeIssues, parseWith, readJson } from '../src/kernel/errors';
import { fits } from '../src/media/scale';
import { addSourceSchema } from './add-source';
import type { InputHub } from './hub';
import type { AddSource } from './add-source';
import type { InputSource } from './source';

const putInputBody = z.strictObject({
  source: z.string().min(1).max(64).nullable().optional(),
  fit: z.enum(fits).optional(),
});
const putSourceBody = z.strictObject({ options: z.record(z.string(), z.unknown()) });

export interface InputRoutesOptions {
  /** Builds a source from a validated POST body (checks paths and names; throws a ScopeError when it cannot). */
  create(spec: AddSource): Promise<InputSource>;
  /** What could be added now: cameras, NDI senders on the network, Syphon/Spout servers, ffmpeg's state. */
  devices(query: { ndiExtraIps?: string }): Promise<unknown>;
}

/**
 * `/inputs` (list, add), `/inputs/:id` (read, change options, remove), `/inputs/:id/restart`,
 * `/inputs/:id/preview.jpg`, `/input` (the engine's input and the fit) and `/input/devices`; mounted under /api/v1.
 */
export function inputRoutes(hub: InputHub, o: InputRoutesOptions): Hono {
  const api = new Hono();

  api.get('/input', (c) => c.json(hub.selection()));

  // Everything is checked before anything changes: an unknown source leaves the fit as it was too.
  api.put('/input', async (c) => {
    const body = parseWith(putInputBody, await readJson(c.req), 'invalid_body', 'input choice');
    if (body.source) hub.info(body.source);
    if (body.source !== undefined) hub.select(body.source);
    if (body.fit) hub.setFit(body.fit);
    return c.json(hub.selection());
  });

  api.get('/input/devices', async (c) => {
    const ndiExtraIps = c.req.query('ndiExtraIps');
    return c.json(await o.devices(ndiExtraIps ? { ndiExtraIps } : {}));
  });

  api.get('/inputs', (c) => c.json(hub.list()));

  api.post('/inputs', async (c) => {
    const parsed = addSourceSchema.safeParse(await readJson(c.req));
    if (!parsed.success) throw new ScopeError('invalid_body', `invalid input: ${describeIssues(parsed.error)}`);
    if (parsed.data.id && hub.has(parsed.data.id)) {
      throw new ScopeError('conflict', `an input "${parsed.data.id}" already exists`);
    }
    const source = await o.create(parsed.data);
    await hub.add(source, true);
    return c.json(hub.info(source.id), 201);
  });

  api.get('/inputs/:id', (c) => c.json(hub.info(c.req.param('id'))));

  api.put('/inputs/:id', async (c) => {
    const id = c.req.param('id');
    hub.info(id);
    const body = parseWith(putSourceBody, await readJson(c.req), 'invalid_body', 'input change');
    const patch = hub.parseOptions(id, body.options);
    if (!patch.success)
      throw new ScopeError('invalid_body', `invalid options for ${id}: ${describeIssues(patch.error)}`);
    await hub.setOptions(id, patch.data as Record<string, unknown>);
    return c.json(hub.info(id));
  });

  api.delete('/inputs/:id', async (c) => {
    const id = c.req.param('id');
    if (!hub.info(id).removable) throw new ScopeError('conflict', `input ${id} is built in and cannot be removed`);
    await hub.remove(id);
    return c.body(null, 204);
  });

  api.post('/inputs/:id/restart', async (c) => {
    await hub.restart(c.req.param('id'));
    return c.json(hub.info(c.req.param('id')));
  });

  api.get('/inputs/:id/preview.jpg', async (c) => {
    const image = hub.preview(c.req.param('id'));
    if (!image) throw new ScopeError('no_frame', `input ${c.req.param('id')} has no frame yet`);
    const jpeg = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
      .removeAlpha()
      .jpeg({ quality: 70 })
      .toBuffer();
    return c.body(new Uint8Array(jpeg), 200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'no-store' });
  });

  return api;
}
