/**
 * The one name rule on every surface that takes a name (issue 22): a name holding NUL or a right-to-left override
 * is refused with a sentence saying which character and where, and nothing is created. Through the real server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMidiBackend } from '../../control/midi/test-backend';
import { solidPipeline } from '../engine/test-support';
import { startTestScope } from './test-support';
import type { Scope } from '../main';

const BAD = [
  ['NUL', 'bad\u0000name', /NUL character \(U\+0000\) at position 4/],
  ['a right-to-left override', 'cue\u202egnp', /right-to-left override \(U\+202E\) at position 4/],
] as const;

describe('names with control or bidi characters, on every surface', () => {
  let scope: Scope;
  let dir: string;
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${scope.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
  };
  // What exists: the answer as a whole, or for inputs (whose frame counts move) their ids.
  const list = async (path: string) => {
    const { body } = await send('GET', path);
    return JSON.stringify(path === '/inputs' ? (body as unknown as { id: string }[]).map((i) => i.id) : body);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scope-names-'));
    scope = await startTestScope({
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      configDir: dir,
      midi: true,
      midiBackend: new FakeMidiBackend({ inputs: ['Pad'] }),
    });
  });
  afterAll(async () => {
    await scope?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each surface: how to create a thing with this name, and where to list what exists. */
  const surfaces: [string, (name: string) => Promise<Awaited<ReturnType<typeof send>>>, string][] = [
    ['preset', (name) => send('PUT', `/presets/${encodeURIComponent(name)}`, {}), '/presets'],
    ['cue (saved by name)', (name) => send('PUT', `/cues/${encodeURIComponent(name)}`, { fade: 1 }), '/cues'],
    ['cue (imported)', (name) => send('PUT', '/cues', { cues: [{ name, values: { level: 5 } }] }), '/cues'],
    ['take', (name) => send('POST', '/takes/record', { record: true, name }), '/takes'],
    [
      'modulator',
      (name) => send('PUT', `/modulators/${encodeURIComponent(name)}`, { targets: ['level'] }),
      '/modulators',
    ],
    [
      'MIDI mapping',
      (name) => send('POST', '/midi/mappings', { id: name, param: 'level', control: { kind: 'cc', number: 7 } }),
      '/midi/mappings',
    ],
    ['input (id)', (name) => send('POST', '/inputs', { kind: 'ndi', id: name, name: 'Cam' }), '/inputs'],
    ['input (NDI sender name)', (name) => send('POST', '/inputs', { kind: 'ndi', name }), '/inputs'],
  ];

  for (const [surface, create, where] of surfaces) {
    it.each(BAD)(`refuses a ${surface} named with %s, creating nothing`, async (_what, name, sentence) => {
      const before = await list(where);
      const res = await create(name);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('invalid_body');
      expect(res.body.error?.message).toMatch(sentence);
      expect(res.body.error?.message).toMatch(/names may not hold control or bidi characters/);
      expect(await list(where)).toBe(before);
    });
  }

  it('still takes a clean name on each of them (the rule refuses only what it says)', async () => {
    expect((await send('PUT', '/presets/Intro', {})).status).toBe(200);
    expect((await send('PUT', '/cues/Verse%202', { fade: 1 })).status).toBe(200);
    expect((await send('PUT', '/modulators/wobble', { targets: ['level'] })).status).toBe(200);
    const midi = await send('POST', '/midi/mappings', {
      id: 'knob',
      param: 'level',
      control: { kind: 'cc', number: 7 },
    });
    expect(midi.status).toBe(201);
  });
});
