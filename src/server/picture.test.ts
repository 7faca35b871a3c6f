import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { builtinPipelines } from '../../pipelines/index';
import { startTestRig } from '../test-rig';
import { difference, grab, grabUntil, stillFrame } from './test-helpers';
import type { Grabbed } from './test-helpers';

/** Motion off: with no walk, speed or spin, neural-field renders the same picture every frame. */
const still = { speed: 0, walk: 0, spin: 0 };

describe('what the picture shows: parameters of the real neural-field over HTTP', () => {
  let rig: Awaited<ReturnType<typeof startTestRig>>;
  let reference: Grabbed;
  let defaults: Record<string, unknown>;
  const values = async () => (await rig.call('/api/v1/parameters')).body.values as Record<string, unknown>;
  const patch = (body: unknown) => rig.call('/api/v1/parameters', { method: 'PATCH', body });

  beforeAll(async () => {
    rig = await startTestRig({ pipelines: builtinPipelines, pipeline: 'neural-field' });
    // Stop the motion through PATCH, as a user would, and let the smoothing settle (walk and speed ease out over
    // about 4 s before they reach exactly 0).
    expect(await patch(still)).toEqual({ status: 200, body: { pipeline: 'neural-field', values: still } });
    reference = await stillFrame(rig);
    defaults = await values();
  });
  afterAll(() => rig.stop());
  // Each test starts from the still reference picture.
  beforeEach(async () => {
    const now = await values();
    const back = Object.fromEntries(Object.entries(defaults).filter(([k, v]) => now[k] !== v));
    if (Object.keys(back).length === 0) return;
    expect((await patch(back)).status).toBe(200);
    await grabUntil(rig, (g) => difference(g, reference) === 0, 'the reference picture again', 300);
  });

  it('holds still with the motion stopped: later frames equal the reference', async () => {
    expect(reference).toMatchObject({ pipeline: 'neural-field', width: 64, height: 64 });
    await rig.frames(9);
    const later = await grab(rig);
    expect(later.seq).toBeGreaterThan(reference.seq);
    expect(difference(later, reference)).toBe(0);
  });

  it.each([
    ['hue', { hue: 120 }],
    ['palette', { palette: 'fire' }],
    ['zoom', { zoom: 4 }],
    ['symmetry', { symmetry: 'kaleido-6' }],
    ['brightness and contrast together', { brightness: 0.4, contrast: 2 }],
  ])('PATCH %s: 200 with the applied values, then later frames differ', async (_what, change) => {
    const r = await patch(change);
    expect(r).toEqual({ status: 200, body: { pipeline: 'neural-field', values: change } });
    expect(await values()).toMatchObject(change);
    const changed = await grabUntil(rig, (g) => difference(g, reference) > 2, 'a changed picture', 300);
    expect(changed.seq).toBeGreaterThan(reference.seq);
  });

  it('clamps a value out of range, says so, and the picture is the one of the clamped value', async () => {
    expect(await patch({ hue: 180 })).toMatchObject({ status: 200, body: { values: { hue: 180 } } });
    const atMax = await stillFrame(rig);
    expect(difference(atMax, reference)).toBeGreaterThan(2);
    expect(await patch({ hue: 0 })).toMatchObject({ status: 200, body: { values: { hue: 0 } } });
    await grabUntil(rig, (g) => difference(g, reference) === 0, 'the reference picture', 300);

    const r = await patch({ hue: 900, zoom: -3 });
    expect(r).toEqual({ status: 200, body: { pipeline: 'neural-field', values: { hue: 180, zoom: 0.1 } } });
    expect(await values()).toMatchObject({ hue: 180, zoom: 0.1 });
    expect(await patch({ zoom: defaults.zoom })).toMatchObject({ status: 200 });
    await grabUntil(rig, (g) => difference(g, atMax) === 0, 'the picture at hue 180', 300);
  });

  it.each([
    ['a value of the wrong type', JSON.stringify({ hue: 'red' }), 'invalid_parameters'],
    ['an unknown parameter', JSON.stringify({ sparkle: 1 }), 'invalid_parameters'],
    ['one valid and one invalid entry', JSON.stringify({ hue: 90, palette: 'plaid' }), 'invalid_parameters'],
    ['a valid entry and an unknown one', JSON.stringify({ palette: 'neon', sparkle: true }), 'invalid_parameters'],
    ['bad JSON', '{"hue": 90', 'bad_json'],
    ['an empty body', '', 'bad_json'],
    ['a JSON array', '[{"hue": 90}]', 'invalid_body'],
    ['a JSON string', '"hue=90"', 'invalid_body'],
    ['JSON null', 'null', 'invalid_body'],
    ['a JSON number', '90', 'invalid_body'],
  ])('PATCH with %s: 400 in the error shape, nothing changes, not even the picture', async (_what, raw, code) => {
    const before = await values();
    const r = await rig.call('/api/v1/parameters', { method: 'PATCH', raw });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code, message: expect.any(String) });
    expect(r.body.error.message.length).toBeGreaterThan(10);
    if (code === 'invalid_parameters') expect(Object.keys(r.body.error.fields).length).toBeGreaterThan(0);
    expect(await values()).toEqual(before);
    await rig.frames(8); // time enough for a wrongly applied hue or palette to show
    const after = await grab(rig);
    expect(after.seq).toBeGreaterThan(reference.seq);
    expect(difference(after, reference)).toBe(0);
  });

  it('PUT /api/v1/parameters/:name sets one value, clamped, and the picture follows', async () => {
    const r = await rig.call('/api/v1/parameters/palette', { method: 'PUT', body: { value: 'neon' } });
    expect(r).toEqual({ status: 200, body: { pipeline: 'neural-field', values: { palette: 'neon' } } });
    await grabUntil(rig, (g) => difference(g, reference) > 2, 'the neon picture', 300);
    const clamped = await rig.call('/api/v1/parameters/saturation', { method: 'PUT', body: { value: 99 } });
    expect(clamped.body.values).toEqual({ saturation: 3 });
    expect(await values()).toMatchObject({ palette: 'neon', saturation: 3 });
  });

  it.each([
    ['an invalid value', 400, 'invalid_parameters', 'palette', JSON.stringify({ value: 'plaid' })],
    ['a body without "value"', 400, 'invalid_body', 'hue', JSON.stringify({ hue: 3 })],
    ['bad JSON', 400, 'bad_json', 'hue', '{"value": '],
    ['an unknown name', 404, 'unknown_parameter', 'sparkle', JSON.stringify({ value: 1 })],
  ])('PUT with %s: %i %s, nothing changes', async (_what, status, code, name, raw) => {
    const before = await values();
    const r = await rig.call(`/api/v1/parameters/${name}`, { method: 'PUT', raw });
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    expect(await values()).toEqual(before);
  });
});
