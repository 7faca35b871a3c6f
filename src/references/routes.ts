/**
 * `/references` under /api/v1: the reference images a pipeline's `reference` parameter names. An upload is the
 * image's bytes as the body of `PUT /references/<name>`; it is decoded before it is kept, and a file that does not
 * decode, is too large or has a bad name is refused with a sentence and leaves the folder as it was.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import { referenceListSchema, referenceSavedSchema } from '../shared/references';
import { ScopeError } from '../kernel/errors';
import { routes } from '../http/routes';
import { apiPaths } from '../shared/api-paths';
import type { RouteDoc } from '../shared/route-doc';
import { listReferences, MAX_REFERENCE_BYTES, referenceNameSchema, saveReference } from './reference-images';

const nameParams = z.object({ name: referenceNameSchema });

/** The routes over the references folder `dir`. */
export function referenceRoutes(dir: string): Hono {
  const api = new Hono();
  const r = routes(api);

  const listDoc = {
    summary: 'the reference images the `reference` parameter can name',
    responses: { 200: referenceListSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.references, listDoc, async (c) => c.json({ dir, references: await listReferences(dir) }));

  const getDoc = {
    summary: 'a reference image as it was uploaded (the panel shows it as a thumbnail)',
    params: nameParams,
    paramsName: 'reference name',
    responses: { 200: { media: 'image/png, image/jpeg or image/webp', description: 'the file' } },
    errors: ['not_found'],
  } satisfies RouteDoc;
  r.get(apiPaths.reference, getDoc, async (c) => {
    const { name } = c.req.valid('param');
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (!bytes) throw new ScopeError('not_found', `no reference "${name}"`);
    const type = /\.png$/i.test(name) ? 'image/png' : /\.webp$/i.test(name) ? 'image/webp' : 'image/jpeg';
    return c.body(new Uint8Array(bytes), 200, { 'Content-Type': type, 'Cache-Control': 'no-cache' });
  });

  const putDoc = {
    summary: `uploads a reference image (PNG, JPEG or WebP, up to ${MAX_REFERENCE_BYTES / 1024 / 1024} MiB)`,
    description: 'The body is the file itself; it is decoded before it is kept, and replaces one of the same name.',
    params: nameParams,
    paramsName: 'reference name',
    body: { media: 'image/png, image/jpeg or image/webp', description: 'the image file' },
    responses: { 201: referenceSavedSchema },
    errors: ['invalid_body', 'body_too_large'],
  } satisfies RouteDoc;
  r.put(apiPaths.reference, putDoc, async (c) => {
    const { name } = c.req.valid('param');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length === 0) throw new ScopeError('invalid_body', 'the body is empty: send the image file itself');
    try {
      // The stored picture is the original; the size answered is what the image encoder will see.
      const image = await saveReference(dir, name, bytes);
      return c.json({ name, width: image.width, height: image.height }, 201);
    } catch (err) {
      throw new ScopeError('invalid_body', `reference "${name}" refused: ${(err as Error).message}`);
    }
  });

  const deleteDoc = {
    summary: 'removes a reference image',
    params: nameParams,
    paramsName: 'reference name',
    responses: { 204: 'empty' },
    errors: ['not_found'],
  } satisfies RouteDoc;
  r.delete(apiPaths.reference, deleteDoc, async (c) => {
    const { name } = c.req.valid('param');
    if (!(await listReferences(dir)).includes(name)) throw new ScopeError('not_found', `no reference "${name}"`);
    await rm(join(dir, name), { force: true });
    return c.body(null, 204);
  });

  return api;
}
