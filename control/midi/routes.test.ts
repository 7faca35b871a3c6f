import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMidiBackend } from './test-backend';
import { midiRoutes } from './routes';
import { withErrorAnswers } from '../../src/server/app';
import { mapping, mappingsAfterRestart, rig, switchableDisk } from './test-support';
import { mappingsDocumentSchema, midiStatusSchema } from '../../src/shared/midi';
import type { Rig } from './test-support';

const rigs: Rig[] = [];
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

/** The routes mounted under /api/v1 as the server does, and a JSON request helper. */
async function api(...args: Parameters<typeof rig>) {
  const r = await rig(...args);
  rigs.push(r);
  const app = withErrorAnswers(new Hono()).route('/api/v1', midiRoutes(r.service));
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await app.request(`/api/v1${path}`, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return { r, call };
}

const knob = mapping('level', { kind: 'cc', number: 1 }, { id: 'knob' });
const pad = mapping('freeze', { kind: 'note', note: 36, mode: 'toggle' }, { id: 'pad' });

describe('GET /midi', () => {
  it('answers the status in the shared shape', async () => {
    const { call } = await api({ mappings: [knob] });
    const res = await call('GET', '/midi');
    expect(res.status).toBe(200);
    expect(midiStatusSchema.parse(res.body)).toEqual({
      available: true,
      inputs: [{ name: 'Pad', open: true }],
      outputs: [{ name: 'Pad', open: true }],
      learning: null,
      mappings: [knob],
      received: 0,
      errors: 0,
    });
  });
});

describe('/midi/learn', () => {
  it('arms with 202 and cancels with DELETE', async () => {
    const { r, call } = await api();
    const res = await call('POST', '/midi/learn', { param: 'level' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ learning: { param: 'level', since: expect.any(Number) } });
    expect(r.service.status().learning?.param).toBe('level');
    expect(await call('DELETE', '/midi/learn')).toMatchObject({ status: 200, body: { learning: null } });
    expect(r.service.status().learning).toBeNull();
  });

  const bad: [string, unknown, number, string][] = [
    ['unknown parameter', { param: 'nope' }, 404, 'unknown_parameter'],
    ['text parameter', { param: 'prompt' }, 400, 'invalid_body'],
    ['no param', {}, 400, 'invalid_body'],
    ['not JSON', '{', 400, 'bad_json'],
    ['timeout too short', { param: 'level', timeoutMs: 5 }, 400, 'invalid_body'],
  ];
  it.each(bad)('refuses %s in the one error shape', async (_name, body, status, code) => {
    const { call } = await api();
    const res = await call('POST', '/midi/learn', body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
  });
});

describe('when MIDI is unavailable', () => {
  it('learn answers 409 with the reason; mappings can still be edited', async () => {
    const backend = new FakeMidiBackend();
    backend.failInit = 'MIDI is unavailable: no ALSA sequencer';
    const { call } = await api({ backend, devices: [] });
    expect(await call('GET', '/midi')).toMatchObject({
      body: { available: false, reason: 'MIDI is unavailable: no ALSA sequencer', inputs: [], outputs: [] },
    });
    expect(await call('POST', '/midi/learn', { param: 'level' })).toEqual({
      status: 409,
      headers: expect.anything(),
      body: { error: { code: 'unavailable', message: 'MIDI is unavailable: no ALSA sequencer' } },
    });
    expect((await call('POST', '/midi/mappings', { param: 'level', control: { kind: 'pitchbend' } })).status).toBe(201);
  });
});

describe('/midi/mappings', () => {
  it('lists, adds with defaults, adjusts and removes', async () => {
    const { r, call } = await api({ mappings: [knob] });
    expect(await call('GET', '/midi/mappings')).toEqual({
      status: 200,
      headers: expect.anything(),
      body: { mappings: [knob] },
    });

    const added = await call('POST', '/midi/mappings', { param: 'hue', control: { kind: 'nrpn', number: 512 } });
    expect(added.status).toBe(201);
    const { mapping: m } = added.body as { mapping: typeof knob };
    expect(m).toMatchObject({ param: 'hue', device: null, channel: null, min: null, max: null, curve: 'linear' });
    expect(m.id).toMatch(/^[A-Za-z0-9_-]+$/);

    const patched = await call('PATCH', `/midi/mappings/${m.id}`, { min: -90, max: 90, invert: true, channel: 3 });
    expect(patched).toMatchObject({
      status: 200,
      body: { mapping: { id: m.id, min: -90, max: 90, invert: true, channel: 3 } },
    });
    expect((await call('DELETE', `/midi/mappings/${m.id}`)).status).toBe(204);
    expect(r.service.mappings()).toEqual([knob]);
    await r.service.saved();
  });

  it('changes the mode of a note mapping only', async () => {
    const { call } = await api({ mappings: [knob, pad] });
    expect(await call('PATCH', '/midi/mappings/pad', { mode: 'momentary' })).toMatchObject({
      status: 200,
      body: { mapping: { control: { kind: 'note', note: 36, mode: 'momentary' } } },
    });
    expect((await call('PATCH', '/midi/mappings/knob', { mode: 'toggle' })).status).toBe(400);
  });

  const refused: [string, string, string, unknown, number, string][] = [
    [
      'POST unknown parameter',
      'POST',
      '/midi/mappings',
      { param: 'nope', control: { kind: 'pitchbend' } },
      404,
      'unknown_parameter',
    ],
    [
      'POST bad control',
      'POST',
      '/midi/mappings',
      { param: 'level', control: { kind: 'cc14', number: 40 } },
      400,
      'invalid_body',
    ],
    [
      'POST taken id',
      'POST',
      '/midi/mappings',
      { id: 'knob', param: 'level', control: { kind: 'pitchbend' } },
      400,
      'invalid_body',
    ],
    [
      'POST no range',
      'POST',
      '/midi/mappings',
      { param: 'level', control: { kind: 'pitchbend' }, min: 1, max: 1 },
      400,
      'invalid_body',
    ],
    ['PATCH unknown id', 'PATCH', '/midi/mappings/zzz', { invert: true }, 404, 'not_found'],
    ['PATCH an unknown field', 'PATCH', '/midi/mappings/knob', { param: 'hue' }, 400, 'invalid_body'],
    ['PATCH channel 0', 'PATCH', '/midi/mappings/knob', { channel: 0 }, 400, 'invalid_body'],
    ['DELETE unknown id', 'DELETE', '/midi/mappings/zzz', undefined, 404, 'not_found'],
  ];
  it.each(refused)('refuses %s', async (_name, method, path, body, status, code) => {
    const { r, call } = await api({ mappings: [knob] });
    const res = await call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(r.service.mappings()).toEqual([knob]);
  });
});

describe('import and export', () => {
  it('exports as a download that imports back', async () => {
    const { r, call } = await api({ mappings: [knob, pad] });
    const exported = await call('GET', '/midi/mappings/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="midi-mappings.json"');
    expect(mappingsDocumentSchema.parse(exported.body)).toEqual({ version: 1, mappings: [knob, pad] });

    await r.service.replaceMappings([]);
    const imported = await call('PUT', '/midi/mappings', exported.body);
    expect(imported).toMatchObject({ status: 200, body: { mappings: [knob, pad] } });
    expect(r.service.mappings()).toEqual([knob, pad]);
  });

  it('imports mappings of parameters the active pipeline lacks', async () => {
    const { r, call } = await api();
    const other = mapping('warp', { kind: 'cc', number: 9 }, { id: 'w' });
    expect((await call('PUT', '/midi/mappings', { mappings: [other] })).status).toBe(200);
    expect(r.service.mappings()).toEqual([other]);
  });

  it('is all or nothing: one bad mapping changes nothing', async () => {
    const { r, call } = await api({ mappings: [knob] });
    const res = await call('PUT', '/midi/mappings', { mappings: [pad, { ...pad, id: 'x', curve: 'cubic' }] });
    expect(res.status).toBe(400);
    expect((res.body as { error: { message: string } }).error.message).toMatch(/mappings\.1\.curve/);
    expect((await call('PUT', '/midi/mappings', { mappings: [pad, pad] })).status).toBe(400);
    expect(r.service.mappings()).toEqual([knob]);
  });
});

describe('on a full disk', () => {
  const changes: [string, string, string, unknown][] = [
    ['adding', 'POST', '/midi/mappings', { param: 'hue', control: { kind: 'pitchbend' } }],
    ['adjusting', 'PATCH', '/midi/mappings/knob', { invert: true }],
    ['removing', 'DELETE', '/midi/mappings/knob', undefined],
    ['importing', 'PUT', '/midi/mappings', { mappings: [pad] }],
  ];
  it.each(changes)('%s answers 507 with a sentence and changes nothing, in memory or on disk', async (...c) => {
    const [, method, path, body] = c;
    const disk = switchableDisk();
    const { r, call } = await api({ mappings: [knob], write: disk.write });
    disk.full = true;
    expect(await call(method, path, body)).toMatchObject({
      status: 507,
      body: {
        error: {
          code: 'save_failed',
          message: expect.stringMatching(
            /^could not save the MIDI mappings to .*midi-mappings\.json: the disk is full \(ENOSPC\); nothing was changed/,
          ),
        },
      },
    });
    expect((await call('GET', '/midi/mappings')).body).toEqual({ mappings: [knob] });
    expect(await call('GET', '/midi')).toMatchObject({
      body: { errors: 1, saveError: expect.stringContaining('ENOSPC') },
    });
    expect(r.logs.at(-1)).toMatch(/^could not save the MIDI mappings/);
    expect(await mappingsAfterRestart(r.file)).toEqual([knob]);

    // Space freed: the same change goes through and the status forgets the failure.
    disk.full = false;
    expect((await call(method, path, body)).status).toBeLessThan(300);
    expect((await call('GET', '/midi')).body).not.toHaveProperty('saveError');
    expect(await mappingsAfterRestart(r.file)).toEqual(r.service.mappings());
  });
});
