import { Hono } from 'hono';
import sharp from 'sharp';
import { z } from 'zod';
import { ScopeError, describeIssues, parseWith, readJson } from '../src/kernel/errors';
import {
  addInputSchema,
  inputChangeSchema,
  inputChoiceSchema,
  inputDevicesSchema,
  inputInfoSchema,
  inputListSchema,
  inputParamsSchema,
  inputSelectionSchema,
} from '../src/shared/inputs';
import { route } from '../src/shared/route-doc';
import type { InputHub } from './hub';
import type { AddInput, InputDevices, InputInfo, InputSelection } from '../src/shared/inputs';
import type { InputSource } from './source';

export interface InputRoutesOptions {
  /** Builds a source from a validated POST body (checks paths and names; throws a ScopeError when it cannot). */
  create(spec: AddInput): Promise<InputSource>;
  /** What could be added now: cameras, NDI senders on the network, Syphon/Spout servers, ffmpeg's state. */
  devices(query: { ndiExtraIps?: string }): Promise<InputDevices>;
}

const devicesQuery = z.object({ ndiExtraIps: z.string().max(1000).optional() });

/**
 * `/inputs` (list, add), `/inputs/:id` (read, change options, remove), `/inputs/:id/restart`,
 * `/inputs/:id/preview.jpg`, `/input` (the engine's input and the fit) and `/input/devices`; mounted under /api/v1.
 */
export function inputRoutes(hub: InputHub, o: InputRoutesOptions): Hono {
  const api = new Hono();
  const info = (id: string) => hub.info(id) satisfies InputInfo;

  const choiceDoc = route({
    summary: "the engine's input and how it fills the output",
    responses: { 200: inputSelectionSchema },
  });
  api.get('/input', choiceDoc, (c) => c.json(hub.selection() satisfies InputSelection));

  const chooseDoc = route({
    summary: "chooses the engine's input (null: none) and the fit; an unknown source changes nothing",
    body: inputChoiceSchema,
    responses: { 200: inputSelectionSchema },
    errors: ['not_found', 'unavailable'],
  });
  api.put('/input', chooseDoc, async (c) => {
    const body = parseWith(inputChoiceSchema, await readJson(c.req), 'invalid_body', 'input choice');
    if (body.source) hub.info(body.source);
    if (body.source !== undefined) hub.select(body.source);
    if (body.fit) hub.setFit(body.fit);
    return c.json(hub.selection() satisfies InputSelection);
  });

  const devicesDoc = route({
    summary:
      'what could be added: cameras, NDI senders (also at ?ndiExtraIps=), whether ffmpeg, Syphon, Spout are there',
    query: devicesQuery,
    responses: { 200: inputDevicesSchema },
    errors: ['invalid_query'],
  });
  api.get('/input/devices', devicesDoc, async (c) => {
    const query = parseWith(devicesQuery, c.req.query(), 'invalid_query', 'query');
    return c.json(await o.devices(query));
  });

  const listDoc = route({
    summary: 'every input source with its state, size and rate',
    responses: { 200: inputListSchema },
  });
  api.get('/inputs', listDoc, (c) => c.json(hub.list() satisfies InputInfo[]));

  const addDoc = route({
    summary: 'adds a file, a camera, an NDI sender, a Syphon or Spout receiver; checked before anything starts',
    body: addInputSchema,
    responses: { 201: inputInfoSchema },
    errors: ['conflict', 'unavailable'],
  });
  api.post('/inputs', addDoc, async (c) => {
    const parsed = addInputSchema.safeParse(await readJson(c.req));
    if (!parsed.success) throw new ScopeError('invalid_body', `invalid input: ${describeIssues(parsed.error)}`);
    if (parsed.data.id && hub.has(parsed.data.id)) {
      throw new ScopeError('conflict', `an input "${parsed.data.id}" already exists`);
    }
    const source = await o.create(parsed.data);
    await hub.add(source, true);
    return c.json(info(source.id), 201);
  });

  const readDoc = route({
    summary: 'one input source',
    params: inputParamsSchema,
    responses: { 200: inputInfoSchema },
    errors: ['not_found'],
  });
  api.get('/inputs/:id', readDoc, (c) => c.json(info(c.req.param('id'))));

  const changeDoc = route({
    summary: "changes a source's options (each source checks its own)",
    params: inputParamsSchema,
    body: inputChangeSchema,
    responses: { 200: inputInfoSchema },
    errors: ['not_found'],
  });
  api.put('/inputs/:id', changeDoc, async (c) => {
    const id = c.req.param('id');
    hub.info(id);
    const body = parseWith(inputChangeSchema, await readJson(c.req), 'invalid_body', 'input change');
    const patch = hub.parseOptions(id, body.options);
    if (!patch.success)
      throw new ScopeError('invalid_body', `invalid options for ${id}: ${describeIssues(patch.error)}`);
    await hub.setOptions(id, patch.data as Record<string, unknown>);
    return c.json(info(id));
  });

  const removeDoc = route({
    summary: 'removes a source added over the API or by a publisher (its process or receiver ends)',
    params: inputParamsSchema,
    responses: { 204: 'empty' },
    errors: ['not_found', 'conflict'],
  });
  api.delete('/inputs/:id', removeDoc, async (c) => {
    const id = c.req.param('id');
    if (!hub.info(id).removable) throw new ScopeError('conflict', `input ${id} is built in and cannot be removed`);
    await hub.remove(id);
    return c.body(null, 204);
  });

  const restartDoc = route({
    summary: 'stops and starts a source (a file plays from its start)',
    params: inputParamsSchema,
    responses: { 200: inputInfoSchema },
    errors: ['not_found', 'unavailable'],
  });
  api.post('/inputs/:id/restart', restartDoc, async (c) => {
    await hub.restart(c.req.param('id'));
    return c.json(info(c.req.param('id')));
  });

  const previewDoc = route({
    summary: "a small JPEG of a source's newest frame",
    params: inputParamsSchema,
    responses: { 200: { media: 'image/jpeg', description: 'at most 192 pixels wide, the aspect kept' } },
    errors: ['not_found', 'no_frame'],
  });
  api.get('/inputs/:id/preview.jpg', previewDoc, async (c) => {
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
