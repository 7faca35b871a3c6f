import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startShowScope, tinyModel } from './show-file/test-scope';
import { artifactPath } from './models/manifest';
import { solidPipeline } from './engine/test-support';
import { loraParams } from '../pipelines/shared/lora-params';
import type { ShowScope } from './show-file/test-scope';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  vi.unstubAllEnvs();
});

async function started(options: Parameters<typeof startShowScope>[0] = {}): Promise<ShowScope> {
  const s = await startShowScope(options);
  cleanup.push(() => s.stop());
  return s;
}

/** A show worth exporting: values, a preset, cues, a timeline, a modulator, MIDI and DMX mappings, input fit. */
async function buildShow(s: ShowScope): Promise<void> {
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await s.api(method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  };
  await ok('PUT', '/parameters/level', { value: 40 });
  await ok('PUT', '/presets/warm', {});
  await ok('PUT', '/cues/intro', { values: { level: 5 }, fade: 2 });
  await ok('PUT', '/timeline', { entries: [{ prompt: 'a forest', duration: 4 }], loop: true });
  await ok('PUT', '/modulators/wobble', { targets: ['level'], rate: 0.5, depth: 0.1 });
  await ok('PUT', '/midi/mappings', {
    mappings: [
      {
        id: 'm1',
        param: 'level',
        device: null,
        channel: 1,
        control: { kind: 'cc', number: 16 },
        min: null,
        max: null,
        curve: 'linear',
        invert: false,
        softTakeover: false,
      },
    ],
  });
  await ok('PUT', '/dmx/mappings', {
    mappings: [{ id: 'd1', param: 'level', protocol: 'artnet', universe: 0, channel: 7 }],
  });
  await ok('PUT', '/input', { fit: 'contain' });
  await ok('PUT', '/tempo', { bpm: 96 });
  await ok('PUT', '/outputs/mjpeg', { options: { quality: 55 } });
  await ok('PUT', '/timecode', { rate: '30', chase: { timeline: true, timelineStart: '01:00:00:00' } });
  await ok('PUT', '/output-delay', { beats: 1 });
}

/** A show without the stamp of when it was written, to compare two exports. */
const content = (show: Record<string, unknown>) => ({ ...show, savedAt: undefined });

describe('show files over HTTP', () => {
  it('export, change everything, import: the server holds the exported show again, files included', async () => {
    const s = await started();
    await buildShow(s);
    const exported = await s.api('GET', '/show');
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({
      format: 'daydream-scope-show',
      version: 2,
      pipeline: { id: 'solid', values: { level: 40 } },
      tempo: { bpm: 96 },
      presets: { solid: [{ name: 'warm', values: { level: 40 } }] },
      cues: [{ name: 'intro', values: { level: 5 }, fade: 2 }],
      timeline: { entries: [{ prompt: 'a forest', duration: 4 }], loop: true },
      modulators: [{ id: 'wobble', targets: ['level'] }],
      midi: { mappings: [{ id: 'm1', param: 'level' }] },
      dmx: { mappings: [{ id: 'd1', channel: 7 }] },
      input: { source: null, fit: 'contain' },
      timecode: { source: 'off', rate: '30', chase: { cues: true, timeline: true, timelineStart: '01:00:00:00' } },
      outputDelay: { beats: 1 },
    });
    expect(exported.body.outputs).toContainEqual({ id: 'mjpeg', enabled: true, options: { quality: 55, maxFps: 0 } });
    expect(exported.body.outputs.map((o: { id: string }) => o.id)).toContain('mjpeg');
    expect(exported.body.outputs.map((o: { id: string }) => o.id)).not.toContain('recording');
    // ICE servers (TURN credentials) and host addresses are the machine's: never in a show file.
    expect(exported.body.outputs.find((o: { id: string }) => o.id === 'webrtc').options).toEqual({
      maxFps: 60,
      maxBitrateKbps: 8000,
      maxSessions: 16,
    });

    // Everything moves: another pipeline, other values, the lists emptied.
    await s.api('POST', '/pipeline/load?wait=true', { pipeline_id: 'other', params: { level: 200, seed: 3 } });
    await s.api('PUT', '/cues', { cues: [] });
    await s.api('PUT', '/timeline', { entries: [] });
    await s.api('DELETE', '/modulators/wobble');
    await s.api('PUT', '/midi/mappings', { mappings: [] });
    await s.api('PUT', '/dmx/mappings', { mappings: [] });
    await s.api('PUT', '/input', { fit: 'stretch' });
    await s.api('PUT', '/tempo', { bpm: 140 });
    await s.api('PUT', '/outputs/mjpeg', { options: { quality: 90 } });
    await s.api('PUT', '/timecode', { rate: '24', chase: { cues: false, timeline: false } });
    await s.api('PUT', '/output-delay', { ms: 300 });
    const moved = await s.api('GET', '/show');
    expect(moved.body).toMatchObject({
      pipeline: { id: 'other' },
      cues: [],
      tempo: { bpm: 140 },
      timecode: { rate: '24', chase: { cues: false } },
      outputDelay: { ms: 300 },
    });

    // An output this server lacks is left out, and said; the rest of the show goes in.
    const ghost = { id: 'ghost', enabled: true, options: {} };
    const imported = await s.putShow(JSON.stringify({ ...exported.body, outputs: [...exported.body.outputs, ghost] }));
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.applied).toEqual(
      expect.arrayContaining(['pipeline', 'presets', 'cues', 'DMX mappings', 'timecode settings', 'output delay']),
    );
    expect(imported.body.notes).toEqual(['output ghost is not on this server; left out']);
    const back = await s.api('GET', '/show');
    expect(content(back.body)).toEqual(content(exported.body));
    expect(s.scope.services.host.activeId).toBe('solid');
    expect((await s.api('GET', '/output-delay')).body).toMatchObject({ unit: 'beats', value: 1, ms: 625 });

    // Memory = files: what a restart would read is the imported show.
    await s.scope.performing.service.flush();
    await s.scope.presets.flush();
    const file = async (name: string) => JSON.parse(await readFile(join(s.dir, name), 'utf8'));
    expect(await file('cues.json')).toMatchObject({ cues: [{ name: 'intro' }] });
    expect(await file('timeline.json')).toMatchObject({ entries: [{ prompt: 'a forest' }] });
    expect(await file('modulators.json')).toMatchObject({ modulators: [{ id: 'wobble' }] });
    expect(await file('dmx-mappings.json')).toMatchObject({ mappings: [{ id: 'd1' }] });
    expect(await file('midi-mappings.json')).toMatchObject({ mappings: [{ id: 'm1' }] });
    expect(await file('presets.json')).toMatchObject({ pipelines: { solid: [{ name: 'warm' }] } });
    expect(await file('timecode.json')).toMatchObject({ rate: '30', chase: { timeline: true } });
    expect(await file('output-delay.json')).toEqual({ version: 1, unit: 'beats', value: 1 });
  });

  it('a show of another timecode source keeps this server’s source, and says so', async () => {
    const s = await started({ timecode: 'internal' });
    const show = (await s.api('GET', '/show')).body;
    expect(show.timecode.source).toBe('internal');
    const res = await s.putShow(JSON.stringify({ ...show, timecode: { ...show.timecode, source: 'ltc', rate: '24' } }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.notes).toEqual([
      'the show follows timecode from ltc; this server was started with --timecode internal, which stays (restart with --timecode ltc to follow it)',
    ]);
    expect((await s.api('GET', '/timecode')).body).toMatchObject({ source: 'internal', rate: '24' });
  });

  it('a version 1 file goes in with the new parts at their defaults', async () => {
    const s = await started();
    await buildShow(s);
    const { timecode: _, outputDelay: __, ...v1 } = { ...(await s.api('GET', '/show')).body, version: 1 };
    const res = await s.putShow(JSON.stringify(v1));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.migrated).toEqual([1]);
    const now = (await s.api('GET', '/show')).body;
    expect(now).toMatchObject({
      version: 2,
      timecode: { rate: '25', chase: { timeline: false } },
      outputDelay: { ms: 0 },
    });
  });

  it('an output delay that cannot be saved puts the timecode settings back, in memory and on disk', async () => {
    const s = await started();
    await buildShow(s);
    const before = (await s.api('GET', '/show')).body;
    const timecodeFile = await readFile(join(s.dir, 'timecode.json'), 'utf8');
    await rm(join(s.dir, 'output-delay.json'));
    await mkdir(join(s.dir, 'output-delay.json', 'blocked'), { recursive: true });
    const show = { ...before, timecode: { ...before.timecode, rate: '24' }, outputDelay: { ms: 250 } };
    const res = await s.putShow(JSON.stringify(show));
    expect(res.status).toBe(507);
    expect(res.body.error.message).toMatch(/the output delay: could not save the output delay .*nothing was changed/);
    expect(content((await s.api('GET', '/show')).body)).toEqual(content(before));
    expect(JSON.parse(await readFile(join(s.dir, 'timecode.json'), 'utf8'))).toEqual(JSON.parse(timecodeFile));
  });

  it('a damaged, cut, foreign or future file is refused with a sentence and changes nothing', async () => {
    const s = await started();
    await buildShow(s);
    const before = (await s.api('GET', '/show')).body;
    const text = JSON.stringify({ ...before, cues: [] });
    const refusals: [string, RegExp][] = [
      [text.slice(0, text.length / 2), /not valid JSON, perhaps cut short/],
      [JSON.stringify({ mappings: [] }), /not a daydream-scope show file/],
      [JSON.stringify({ ...before, version: 7, cues: [] }), /version 7, written by a newer daydream-scope/],
      [JSON.stringify({ ...before, cues: [{ name: 'x' }] }), /the show file is damaged: cues\.0\.values/],
      [JSON.stringify({ ...before, pipeline: { id: 'solid', values: { level: 'loud' } } }), /solid\.level/],
    ];
    for (const [body, sentence] of refusals) {
      const res = await s.putShow(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(sentence);
      expect(res.body.error.message).toMatch(/nothing was changed/);
    }
    expect(content((await s.api('GET', '/show')).body)).toEqual(content(before));
  });

  it('a save that fails part-way puts back what was applied before it, in memory and on disk', async () => {
    const s = await started();
    await buildShow(s);
    const before = (await s.api('GET', '/show')).body;
    await s.scope.performing.service.flush();
    const presetsFile = await readFile(join(s.dir, 'presets.json'), 'utf8');
    const cuesFile = await readFile(join(s.dir, 'cues.json'), 'utf8');
    // The timeline's file becomes a folder with something in it: its save fails, after presets and cues saved.
    await rm(join(s.dir, 'timeline.json'));
    await mkdir(join(s.dir, 'timeline.json', 'blocked'), { recursive: true });
    const show = {
      ...before,
      pipeline: { id: 'other', values: { level: 9 } },
      presets: {},
      cues: [{ name: 'outro', values: { level: 1 }, fade: 0, curve: 'linear' }],
      timeline: { ...before.timeline, entries: [{ prompt: 'a sea', duration: 2 }] },
    };
    const res = await s.putShow(JSON.stringify(show));
    expect(res.status).toBe(507);
    expect(res.body.error.message).toMatch(/the timeline: could not save the timeline .*nothing was changed/);
    expect(content((await s.api('GET', '/show')).body)).toEqual(content(before));
    expect(s.scope.services.host.activeId).toBe('solid');
    await s.scope.performing.service.flush();
    expect(JSON.parse(await readFile(join(s.dir, 'presets.json'), 'utf8'))).toEqual(JSON.parse(presetsFile));
    expect(JSON.parse(await readFile(join(s.dir, 'cues.json'), 'utf8'))).toEqual(JSON.parse(cuesFile));
  });

  it('a missing model is named with its hash and download; nothing changes until it is there', async () => {
    const s = await started({ manifests: [tinyModel] });
    const show = (await s.api('GET', '/show')).body;
    expect(show.needs.models).toEqual([
      {
        id: 'tiny-model',
        files: [{ repo: 'someone/tiny', revision: 'main', file: 'tiny.onnx', sha256: 'ab'.repeat(32) }],
      },
    ]);
    const wanted = {
      ...show,
      pipeline: { id: 'solid', values: { level: 99 } },
      needs: { ...show.needs, models: [...show.needs.models, { id: 'huge-model', files: [] }] },
    };
    const res = await s.putShow(JSON.stringify(wanted));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/needs what this server lacks: model tiny-model \(not downloaded\)/);
    expect(res.body.missing).toEqual([
      {
        kind: 'model',
        name: 'tiny-model',
        sha256: 'ab'.repeat(32),
        reason: 'not downloaded',
        download: {
          command: 'daydream-scope download tiny-model',
          route: 'POST /api/v1/models/download',
          body: { model: 'tiny-model' },
        },
      },
      { kind: 'model', name: 'huge-model', sha256: null, reason: 'this server has no manifest of it' },
    ]);
    expect(s.scope.services.params.get('level')).not.toBe(99);

    // Once the file is there (as the download would leave it), the show goes in.
    const path = artifactPath(s.modelsDir, tinyModel.artifacts[0]!);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, 'onnx');
    const later = await s.putShow(JSON.stringify({ ...wanted, needs: show.needs }));
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect(s.scope.services.params.get('level')).toBe(99);
  });

  it('a show on a plugin’s pipeline names the plugin and its hash; a server without it is told which to load', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'scope-show-plugin-'));
    cleanup.push(() => rm(folder, { recursive: true, force: true }));
    const plugin = join(folder, 'glow.mjs');
    const source = `export default {
  id: 'glow', name: 'Glow', description: 'test', params: {},
  create: () => ({ async load() {}, render: (ctx) => ({ data: new Uint8Array(ctx.width * ctx.height * 4), width: ctx.width, height: ctx.height }), unload() {} }),
};\n`;
    await writeFile(plugin, source);
    const withPlugin = await started({ plugins: [plugin], pipeline: 'glow' });
    const show = (await withPlugin.api('GET', '/show')).body;
    const sha256 = createHash('sha256').update(source).digest('hex');
    expect(show.needs.plugins).toEqual([{ source: plugin, pipelines: ['glow'], sha256 }]);

    const without = await started();
    const res = await without.putShow(JSON.stringify(show));
    expect(res.status).toBe(409);
    expect(res.body.missing).toEqual([
      {
        kind: 'plugin',
        name: plugin,
        sha256,
        reason: `its pipelines glow are not loaded here; start the server with --plugin ${plugin}`,
      },
    ]);
    expect(without.scope.services.host.activeId).toBe('solid');
  });

  it('a LoRA the show’s values name is exported with its hash; where its file is gone, it is named as missing', async () => {
    const solid = solidPipeline('lorad');
    const withLora = { ...solid, params: { ...solid.params, ...loraParams } };
    const s = await started({ pipelines: [withLora], pipeline: 'lorad' });
    // The lora parameters' choices are the folder's files, read from the models folder the environment names.
    vi.stubEnv('DAYDREAM_SCOPE_MODELS_DIR', s.modelsDir);
    const file = join(s.modelsDir, 'loras', 'detail.safetensors');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, 'the bytes of a LoRA');
    expect((await s.api('PUT', '/parameters/lora', { value: 'detail' })).status).toBe(200);
    const show = (await s.api('GET', '/show')).body;
    const sha256 = createHash('sha256').update('the bytes of a LoRA').digest('hex');
    expect(show.needs.loras).toEqual([{ name: 'detail', sha256 }]);

    await rm(file);
    await s.api('PUT', '/parameters/level', { value: 99 });
    const res = await s.putShow(JSON.stringify(show));
    expect(res.status).toBe(409);
    expect(res.body.missing).toEqual([
      {
        kind: 'lora',
        name: 'detail',
        sha256,
        reason: `not found at ${file}; copy it there or install it by URL (POST /api/v1/loras)`,
      },
    ]);
    expect(s.scope.services.params.get('level')).toBe(99);

    // The same file back in the folder: the show goes in.
    await writeFile(file, 'the bytes of a LoRA');
    expect((await s.putShow(JSON.stringify(show))).status).toBe(200);
    expect(s.scope.services.params.get('level')).toBe(10);
    expect(s.scope.services.params.get('lora')).toBe('detail');
  });
});
