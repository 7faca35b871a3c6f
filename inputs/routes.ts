import { Hono } from 'hono';
import sharp from 'sharp';
import { z } from 'zod';
import { ScopeError, describeIssues } from '../src/kernel/errors';
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
import { apiPaths } from '../src/shared/api-paths';
import { routes } from '../src/http/routes';
import type { RouteDoc } from '../src/shared/route-doc';
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
  const r = routes(api);
  const info = (id: string) => hub.info(id) satisfies InputInfo;

  const choiceDoc = {
    summary: "the engine's input and how it fills the output",
    responses: { 200: inputSelectionSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.input, choiceDoc, (c) => c.json(hub.selection() satisfies InputSelection));

  const chooseDoc = {
    summary: "chooses the engine's input (null: none) and the fit; an unknown source changes nothing",
    body: inputChoiceSchema,
    bodyName: 'input choice',
    responses: { 200: inputSelectionSchema },
    errors: ['not_found', 'unavailable'],
  } satisfies RouteDoc;
  r.put(apiPaths.input, chooseDoc, (c) => {
    const body = c.req.valid('json');
    if (body.source) hub.info(body.source);
    if (body.source !== undefined) hub.select(body.source);
    if (body.fit) hub.setFit(body.fit);
    return c.json(hub.selection() satisfies InputSelection);
  });

  const devicesDoc = {
    summary:
      'what could be added: cameras, NDI senders (also at ?ndiExtraIps=), whether ffmpeg, Syphon, Spout are there',
    query: devicesQuery,
    responses: { 200: inputDevicesSchema },
    errors: ['invalid_query'],
  } satisfies RouteDoc;
  r.get(apiPaths.inputDevices, devicesDoc, async (c) => {
    return c.json(await o.devices(c.req.valid('query')));
  });

  const listDoc = {
    summary: 'every input source with its state, size and rate',
    responses: { 200: inputListSchema },
  } satisfies RouteDoc;
  r.get(apiPaths.inputs, listDoc, (c) => c.json(hub.list() satisfies InputInfo[]));

  const addDoc = {
    summary: 'adds a file, a camera, an NDI sender, a Syphon or Spout receiver; checked before anything starts',
    body: addInputSchema,
    bodyName: 'input',
    responses: { 201: inputInfoSchema },
    errors: ['conflict', 'unavailable'],
  } satisfies RouteDoc;
  r.post(apiPaths.inputs, addDoc, async (c) => {
    const spec = c.req.valid('json');
    if (spec.id && hub.has(spec.id)) throw new ScopeError('conflict', `an input "${spec.id}" already exists`);
    const source = await o.create(spec);
    await hub.add(source, true);
    return c.json(info(source.id), 201);
  });

  const readDoc = {
    summary: 'one input source',
    params: inputParamsSchema,
    responses: { 200: inputInfoSchema },
    errors: ['not_found'],
  } satisfies RouteDoc;
  r.get(apiPaths.inputSource, readDoc, (c) => c.json(info(c.req.param('id'))));

  const changeDoc = {
    summary: "changes a source's options (each source checks its own)",
    params: inputParamsSchema,
    body: inputChangeSchema,
    bodyName: 'input change',
    responses: { 200: inputInfoSchema },
    errors: ['not_found'],
  } satisfies RouteDoc;
  r.put(apiPaths.inputSource, changeDoc, async (c) => {
    const id = c.req.param('id');
    hub.info(id);
    const body = c.req.valid('json');
    const patch = hub.parseOptions(id, body.options);
    if (!patch.success)
      throw new ScopeError('invalid_body', `invalid options for ${id}: ${describeIssues(patch.error)}`);
    await hub.setOptions(id, patch.data as Record<string, unknown>);
    return c.json(info(id));
  });

  const removeDoc = {
    summary: 'removes a source added over the API or by a publisher (its process or receiver ends)',
    params: inputParamsSchema,
    responses: { 204: 'empty' },
    errors: ['not_found', 'conflict'],
  } satisfies RouteDoc;
  r.delete(apiPaths.inputSource, removeDoc, async (c) => {
    const id = c.req.param('id');
    if (!hub.info(id).removable) throw new ScopeError('conflict', `input ${id} is built in and cannot be removed`);
    await hub.remove(id);
    return c.body(null, 204);
  });

  const restartDoc = {
    summary: 'stops and starts a source (a file plays from its start)',
    params: inputParamsSchema,
    responses: { 200: inputInfoSchema },
    errors: ['not_found', 'unavailable'],
  } satisfies RouteDoc;
  r.post(apiPaths.inputRestart, restartDoc, async (c) => {
    await hub.restart(c.req.param('id'));
    return c.json(info(c.req.param('id')));
  });

  const previewDoc = {
    summary: "a small JPEG of a source's newest frame",
    params: inputParamsSchema,
    responses: { 200: { media: 'image/jpeg', description: 'at most 192 pixels wide, the aspect kept' } },
    errors: ['not_found', 'no_frame'],
  } satisfies RouteDoc;
  r.get(apiPaths.inputPreview, previewDoc, async (c) => {
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
