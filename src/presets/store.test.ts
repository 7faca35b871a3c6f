import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParamStore } from '../params/store';
import { p } from '../params/spec';
import { EventBus } from '../kernel/events';
import { PresetStore } from './store';

const specs = {
  zoom: p.number(1, { min: 0.1, max: 10 }),
  palette: p.enum('oil', ['oil', 'fire', 'neon']),
  mirror: p.bool(false),
  flash: p.trigger(),
};

let dir: string;
let params: ParamStore;
let active: string | null;
let events: { topic: string; data: unknown }[];
let logs: string[];

function makeStore(write?: (path: string, text: string) => Promise<void>): PresetStore {
  const bus = new EventBus();
  bus.on((topic, data) => events.push({ topic, data }));
  return new PresetStore({
    path: join(dir, 'presets.json'),
    params,
    activePipeline: () => active,
    events: bus,
    log: (m) => logs.push(m),
    now: () => new Date('2026-01-02T03:04:05Z'),
    ...(write ? { write } : {}),
  });
}

/** A disk that fills up once `full` is set: every write then fails as a real full disk does. */
function diskThatFills() {
  const disk = { full: false };
  const write = async (path: string, text: string) => {
    if (disk.full) throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
    await writeFile(path, text);
  };
  return { disk, write };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'presets-'));
  params = new ParamStore();
  params.define(specs);
  active = 'field';
  events = [];
  logs = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('PresetStore on a full disk', () => {
  it('a save that fails is rolled back: not listed, not recallable, gone from the file as after a restart', async () => {
    const { disk, write } = diskThatFills();
    const store = makeStore(write);
    await store.save('kept');
    disk.full = true;
    params.set('zoom', 7, 'test');
    await expect(store.save('lost')).rejects.toMatchObject({
      code: 'save_failed',
      message: expect.stringMatching(
        /could not save the presets to .*presets\.json: the disk is full \(ENOSPC\); nothing was changed/,
      ),
    });
    expect(store.list().presets.map((x) => x.name)).toEqual(['kept']);
    expect(store.recall('lost')).toMatchObject({ ok: false, reason: 'not_found' });
    expect(events.at(-1)).toEqual({ topic: 'presets', data: store.list() });
    const restarted = makeStore();
    await restarted.load();
    expect(restarted.list()).toEqual(store.list());
  });

  it('two saves queued on a full disk both fail: memory goes back to what the file holds, not to the first save', async () => {
    const { disk, write } = diskThatFills();
    const store = makeStore(write);
    await store.save('kept');
    disk.full = true;
    const first = store.save('x');
    const second = store.save('y');
    await expect(first).rejects.toMatchObject({ code: 'save_failed' });
    await expect(second).rejects.toMatchObject({ code: 'save_failed' });
    expect(store.list().presets.map((x) => x.name)).toEqual(['kept']);
    expect(store.recall('x')).toMatchObject({ ok: false, reason: 'not_found' });
    expect(events.at(-1)).toEqual({ topic: 'presets', data: store.list() });
    const restarted = makeStore();
    await restarted.load();
    expect(restarted.list()).toEqual(store.list());
  });

  it('a delete that fails is rolled back: the preset stays, as it does in the file', async () => {
    const { disk, write } = diskThatFills();
    const store = makeStore(write);
    await store.save('keep-me');
    disk.full = true;
    await expect(store.delete('keep-me')).rejects.toMatchObject({ code: 'save_failed' });
    expect(store.list().presets.map((x) => x.name)).toEqual(['keep-me']);
    disk.full = false;
    expect(await store.delete('keep-me')).toBe(true);
    expect(store.list().presets).toEqual([]);
  });
});

describe('PresetStore', () => {
  it('saves the current values (no triggers), writes the file and announces the list', async () => {
    const store = makeStore();
    params.setMany({ zoom: 2, palette: 'fire' }, 'test');
    const saved = await store.save('warm');
    expect(saved).toMatchObject({
      ok: true,
      preset: { name: 'warm', values: { zoom: 2, palette: 'fire', mirror: false } },
    });
    const file = JSON.parse(await readFile(join(dir, 'presets.json'), 'utf8'));
    expect(file.pipelines.field[0].values).toEqual({ zoom: 2, palette: 'fire', mirror: false });
    expect(events.at(-1)).toEqual({ topic: 'presets', data: store.list() });
    expect(store.list().presets.map((x) => x.name)).toEqual(['warm']);
  });

  it('recalls by name and by 0-based index through setMany with source "preset"', async () => {
    const store = makeStore();
    await store.save('a', { zoom: 3 });
    await store.save('b', { zoom: 5, palette: 'neon' });
    const sources: string[] = [];
    params.onChange((c) => sources.push(c.source));
    expect(store.recall('a')).toMatchObject({ ok: true, name: 'a', values: { zoom: 3 }, skipped: [] });
    expect(params.get('zoom')).toBe(3);
    expect(store.recall(1)).toMatchObject({ ok: true, name: 'b' });
    expect(params.current()).toMatchObject({ zoom: 5, palette: 'neon' });
    expect(new Set(sources)).toEqual(new Set(['preset']));
  });

  it('re-saving a name replaces it in place, keeping its number', async () => {
    const store = makeStore();
    await store.save('one', { zoom: 1 });
    await store.save('two', { zoom: 2 });
    await store.save('one', { zoom: 9 });
    expect(store.list().presets.map((x) => [x.name, x.values.zoom])).toEqual([
      ['one', 9],
      ['two', 2],
    ]);
  });

  it('skips and reports parameters the pipeline no longer has', async () => {
    const store = makeStore();
    await store.save('old', { zoom: 4 });
    params.define({ zoom: specs.zoom });
    // The file may have been edited by hand, or the pipeline lost a parameter since.
    await writeFile(
      join(dir, 'presets.json'),
      JSON.stringify({
        version: 1,
        pipelines: { field: [{ name: 'old', values: { zoom: 4, gone: 1 }, savedAt: 'x' }] },
      }),
    );
    const reloaded = makeStore();
    await reloaded.load();
    expect(reloaded.recall('old')).toMatchObject({ ok: true, values: { zoom: 4 }, skipped: ['gone'] });
  });

  it('applies nothing when one stored value is no longer valid', async () => {
    await writeFile(
      join(dir, 'presets.json'),
      JSON.stringify({
        version: 1,
        pipelines: { field: [{ name: 'bad', values: { zoom: 7, palette: 'plaid' }, savedAt: 'x' }] },
      }),
    );
    const store = makeStore();
    await store.load();
    const r = store.recall('bad');
    expect(r).toMatchObject({ ok: false, reason: 'invalid', errors: { palette: expect.any(String) } });
    expect(params.get('zoom')).toBe(1);
  });

  it('rejects given values that do not fit the parameters, saving nothing', async () => {
    const store = makeStore();
    expect(await store.save('x', { zoom: 'big', nope: 1 })).toMatchObject({
      ok: false,
      errors: { zoom: expect.any(String), nope: expect.any(String) },
    });
    expect(store.list().presets).toEqual([]);
  });

  it('keeps presets per pipeline and answers clearly when none is loaded', async () => {
    const store = makeStore();
    await store.save('f', { zoom: 2 });
    active = 'other';
    expect(store.list().presets).toEqual([]);
    expect(store.recall('f')).toMatchObject({ ok: false, reason: 'not_found' });
    expect(store.recall(0)).toMatchObject({ ok: false, message: 'other has no preset number 1' });
    expect(store.list('field').presets).toHaveLength(1);
    active = null;
    expect(store.recall('f')).toMatchObject({ ok: false, reason: 'no_pipeline' });
    expect(await store.save('g')).toMatchObject({ ok: false });
  });

  it('deletes, and survives a restart', async () => {
    const store = makeStore();
    await store.save('a', { zoom: 2 });
    await store.save('b', { zoom: 3 });
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    const again = makeStore();
    await again.load();
    expect(again.list().presets.map((x) => x.name)).toEqual(['b']);
  });

  it.each([
    ['not JSON', '{nope'],
    ['a wrong shape', JSON.stringify({ version: 2, pipelines: [] })],
    [
      'a bad value',
      JSON.stringify({ version: 1, pipelines: { field: [{ name: 'a', values: { zoom: {} }, savedAt: 'x' }] } }),
    ],
  ])('sets aside a file with %s and starts empty', async (_what, text) => {
    await writeFile(join(dir, 'presets.json'), text);
    const store = makeStore();
    await store.load();
    expect(store.list().presets).toEqual([]);
    expect(logs.join('\n')).toMatch(/not valid .*presets\.json\.[\dT-]+Z(-\d+)?\.bad/);
    const [bad] = (await readdir(dir)).filter((n) => n.endsWith('.bad'));
    expect(await readFile(join(dir, bad!), 'utf8')).toBe(text);
  });

  it('leaves global perform controls (the crossfader) out of presets', async () => {
    params.defineGlobal({ xfade: p.number(0, { min: 0, max: 1 }) });
    params.set('xfade', 0.5, 'midi');
    const store = makeStore();
    const saved = await store.save('with-fader');
    expect(saved.ok && Object.keys(saved.preset.values)).toEqual(['zoom', 'palette', 'mirror']);
    params.set('xfade', 0.2, 'midi');
    await store.save('given', { zoom: 2 });
    expect(store.recall('given')).toMatchObject({ ok: true });
    expect(params.get('xfade')).toBe(0.2);
  });

  it('starts empty without a file', async () => {
    const store = makeStore();
    await store.load();
    expect(store.list()).toEqual({ pipeline: 'field', presets: [] });
    expect(logs).toEqual([]);
  });
});

describe('settings files at start', () => {
  it('two damaged files in a row are both kept, each under its own time', async () => {
    for (const text of ['{first', '{second']) {
      await writeFile(join(dir, 'presets.json'), text);
      await makeStore().load();
    }
    const bad = (await readdir(dir)).filter((n) => n.endsWith('.bad'));
    expect(bad).toHaveLength(2);
    const kept = await Promise.all(bad.map((n) => readFile(join(dir, n), 'utf8')));
    expect(kept.sort()).toEqual(['{first', '{second']);
  });

  it('removes the temporary files an interrupted save left, and only those', async () => {
    await writeFile(join(dir, 'presets.json.0123456789ab.tmp'), '{"half');
    await writeFile(join(dir, 'presets.json.tmp'), 'not ours');
    await writeFile(join(dir, 'other.json.0123456789ab.tmp'), 'not ours');
    await makeStore().load();
    expect((await readdir(dir)).sort()).toEqual(['other.json.0123456789ab.tmp', 'presets.json.tmp']);
    expect(logs.join('\n')).toMatch(/removed 1 unfinished temporary file/);
  });
});

describe('PresetStore.replaceAll (a show import)', () => {
  const warm = { name: 'warm', values: { zoom: 2 }, savedAt: '2026-01-01T00:00:00.000Z' };
  const cold = { name: 'cold', values: { zoom: 9 }, savedAt: '2026-01-01T00:00:00.000Z' };

  it('replaces every pipeline’s presets, on disk too, and tells the panel the active pipeline’s list', async () => {
    const store = makeStore();
    await store.save('old');
    await store.replaceAll({ field: [warm], tunnel: [cold] });
    expect(store.everything()).toEqual({ field: [warm], tunnel: [cold] });
    expect(events.at(-1)).toEqual({ topic: 'presets', data: { pipeline: 'field', presets: [warm] } });
    const restarted = makeStore();
    await restarted.load();
    expect(restarted.everything()).toEqual({ field: [warm], tunnel: [cold] });
  });

  it('on a full disk changes nothing, in memory or on disk', async () => {
    const { disk, write } = diskThatFills();
    const store = makeStore(write);
    await store.save('old');
    const before = store.everything();
    disk.full = true;
    await expect(store.replaceAll({ field: [warm] })).rejects.toMatchObject({ code: 'save_failed' });
    expect(store.everything()).toEqual(before);
    expect(events.at(-1)).toEqual({ topic: 'presets', data: store.list() });
    const restarted = makeStore();
    await restarted.load();
    expect(restarted.everything()).toEqual(before);
  });
});
