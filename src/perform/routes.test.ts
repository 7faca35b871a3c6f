import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Perform } from './perform';
import { PerformService } from './perform-service';
import { performRoutes } from './routes';
import { addPerformCommands } from './commands';
import { CommandRegistry } from '../kernel/commands';
import { runCommand } from '../kernel/actions';
import { p } from '../params/spec';
import { ParamStore } from '../params/store';
import { withErrorAnswers } from '../server/app';
import { writeFileAtomic } from '../files';
import type { ScopeServices } from '../kernel/services';

let dir: string;
let now: number;
let params: ParamStore;
let events: { topic: string; data: unknown }[];
let logs: string[];
/** Set to make every write fail as a full disk does. */
let diskFull: boolean;
const write = async (path: string, text: string) => {
  if (diskFull) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  await writeFileAtomic(path, text);
};

async function build() {
  const perform = new Perform({
    params,
    now: () => now,
    events: { emit: (topic, data) => events.push({ topic, data }) },
    log: (m) => logs.push(m),
    presetValues: (name) => ({ calm: { zoom: 1, mode: 'a' }, wild: { zoom: 9, mode: 'b' } })[name],
  });
  perform.start();
  const service = new PerformService(perform, {
    dir,
    activePipeline: () => 'field',
    wallClock: () => new Date(0),
    write,
  });
  await service.load();
  const app = withErrorAnswers(new Hono());
  for (const routes of performRoutes(service)) app.route('/api/v1', routes);
  const commands = new CommandRegistry();
  addPerformCommands(commands, service);
  const req = async (method: string, path: string, json?: unknown) => {
    const res = await app.request(`/api/v1${path}`, {
      method,
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const command = (name: string, value?: string | number | boolean) =>
    runCommand({ commands } as unknown as ScopeServices, name, value);
  return { perform, service, req, command };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perform-'));
  now = 0;
  events = [];
  logs = [];
  diskFull = false;
  params = new ParamStore();
  params.define({ zoom: p.number(1, { min: 0, max: 10 }), mode: p.enum('a', ['a', 'b']), prompt: p.text('x') });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('tempo routes and commands', () => {
  it('sets bpm and quantise over HTTP, taps over a command, and answers the state', async () => {
    const { req, command } = await build();
    expect(await req('PUT', '/tempo', { bpm: 140, quantize: { osc: 'bar' } })).toMatchObject({
      status: 200,
      body: { bpm: 140, quantize: { osc: 'bar', http: 'off' }, source: 'osc' },
    });
    command('tempo/tap');
    now = 400;
    expect(command('tempo/tap')).toBe('150.00 bpm');
    // A tap lands on a beat: the second one is beat 1.
    expect((await req('GET', '/tempo')).body).toMatchObject({ bpm: 150, source: 'tap', beat: 1 });
    expect(command('tempo/bpm', '90')).toBe('90.00 bpm');
    expect(() => command('quantize', 'sometimes')).toThrow(/quantize is off, beat, bar or Nbars/);
    expect(await req('PUT', '/tempo', { bpm: 5 })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_body' } },
    });
    expect(events.some((e) => e.topic === 'tempo')).toBe(true);
  });
});

describe('cues', () => {
  it('saves the current values as a cue, goes quantised, exports, and keeps the list across a restart', async () => {
    const { req, perform, command } = await build();
    params.set('zoom', 4, 'http');
    expect(await req('PUT', '/cues/warm', { fade: 2 })).toMatchObject({
      status: 200,
      body: { cues: [{ name: 'warm', values: { zoom: 4, mode: 'a', prompt: 'x' }, fade: 2, curve: 'linear' }] },
    });
    await req('PUT', '/cues/cold', { values: { zoom: 0, mode: 'b' }, quantize: 'bar' });
    expect(await req('PUT', '/cues/bad', { values: { nope: 1 } })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_parameters', fields: { nope: expect.any(String) } } },
    });
    now = 100;
    expect(command('cue/goto', 'cold')).toBe('cue cold on beat 4');
    expect(perform.cues.state().current).toBe(-1);
    now = 2000;
    perform.prepare(2000);
    expect(params.current()).toMatchObject({ zoom: 0, mode: 'b' });
    expect((await req('POST', '/cues/go', { cue: 'previous' })).body).toEqual({ cue: 'warm' });
    expect(await req('POST', '/cues/go', { cue: 'nope' })).toMatchObject({ status: 404 });
    expect((await req('GET', '/cues/export')).body).toMatchObject({
      version: 1,
      cues: [{ name: 'warm' }, { name: 'cold' }],
    });
    const again = await build();
    expect(again.perform.cues.all().map((c) => c.name)).toEqual(['warm', 'cold']);
  });
});

describe('modulators', () => {
  it('adds a modulator with depth and rate as parameters, refuses non-numeric targets, saves it', async () => {
    const { req, service } = await build();
    expect(await req('PUT', '/modulators/lfo1', { shape: 'triangle', rate: 2, targets: ['zoom'] })).toMatchObject({
      status: 200,
      body: { modulators: [{ id: 'lfo1', shape: 'triangle', rate: 2, depth: 0.25, targets: ['zoom'] }] },
    });
    expect(params.spec('lfo1.depth')).toMatchObject({ kind: 'number', min: 0, max: 1 });
    params.set('lfo1.depth', 0.5, 'osc');
    expect((await req('GET', '/modulators')).body).toMatchObject({ modulators: [{ depth: 0.5 }] });
    expect(await req('PUT', '/modulators/lfo2', { targets: ['mode'] })).toMatchObject({
      status: 400,
      body: { error: { fields: { mode: 'mode is a enum, not a number' } } },
    });
    expect(await req('PUT', '/modulators/Bad', { targets: ['zoom'] })).toMatchObject({ status: 400 });
    // Depth and rate moved live are saved when the server stops (or with the next modulator change).
    const saved = async () => JSON.parse(await readFile(join(dir, 'modulators.json'), 'utf8'));
    expect((await saved()).modulators[0]).toMatchObject({ id: 'lfo1', depth: 0.25 });
    await service.close();
    expect((await saved()).modulators[0]).toMatchObject({ id: 'lfo1', depth: 0.5 });
    expect(await req('DELETE', '/modulators/lfo1')).toMatchObject({ status: 200, body: { modulators: [] } });
    expect(params.spec('lfo1.depth')).toBeUndefined();
  });
});

describe('takes, timeline, crossfade', () => {
  it('records a take from the surfaces, saves it, exports it and lists it after a restart', async () => {
    const { req } = await build();
    await req('POST', '/takes/record', { record: true, name: 'verse' });
    now = 250;
    params.set('zoom', 7, 'osc');
    now = 1000;
    expect(await req('POST', '/takes/record', { record: false })).toMatchObject({
      body: { takes: [{ name: 'verse', events: 1, durationMs: 1000 }], recording: null },
    });
    expect((await req('GET', '/takes/verse')).body).toMatchObject({
      start: { zoom: 1 },
      events: [{ t: 250, beat: 0.5, source: 'osc', values: { zoom: 7 } }],
    });
    const again = await build();
    expect(again.service.takesState().takes.map((t) => t.name)).toEqual(['verse']);
    expect(await again.req('POST', '/takes/nope/play')).toMatchObject({ status: 404 });
  });

  it('sets aside a damaged timeline file and starts empty; a valid PUT saves and plays', async () => {
    await writeFile(join(dir, 'timeline.json'), '{"entries": 3}');
    const { req } = await build();
    expect((await req('GET', '/timeline')).body).toMatchObject({ timeline: { entries: [] }, playing: false });
    expect(await req('POST', '/timeline/play', {})).toMatchObject({ status: 409 });
    await req('PUT', '/timeline', { entries: [{ prompt: 'sea', duration: 2 }] });
    expect((await req('POST', '/timeline/play', { play: true })).body).toMatchObject({ playing: true });
    expect(JSON.parse(await readFile(join(dir, 'timeline.json'), 'utf8'))).toMatchObject({
      entries: [{ prompt: 'sea' }],
    });
  });

  it('crossfades between the A and B presets as xfade moves', async () => {
    const { req } = await build();
    expect(await req('PUT', '/crossfade', { a: 'calm', b: 'wild' })).toMatchObject({
      body: { a: 'calm', b: 'wild', x: 0 },
    });
    params.set('xfade', 0.75, 'midi:Fader');
    expect(params.current()).toMatchObject({ zoom: 7, mode: 'b' });
    expect(await req('PUT', '/crossfade', { a: 'none' })).toMatchObject({ status: 404 });
  });
});

describe('perform triggers', () => {
  it('tempo.tap and cue.go are trigger parameters: a MIDI pad taps the tempo and goes to the next cue', async () => {
    const { perform, req } = await build();
    expect(params.spec('tempo.tap')).toMatchObject({ kind: 'trigger', group: 'perform' });
    // Even with MIDI quantised to the bar, a tap acts at once.
    perform.setQuantize('bar', 'midi');
    params.set('tempo.tap', true, 'midi:Pad');
    now = 500;
    params.set('tempo.tap', true, 'midi:Pad');
    expect(perform.tempo.bpm).toBe(120);
    expect(perform.tempo.source).toBe('tap');
    await req('PUT', '/cues/one', { values: { zoom: 3 } });
    params.set('cue.go', true, 'midi:Pad');
    expect(params.get('zoom')).toBe(1);
    perform.prepare(now);
    expect(params.get('zoom')).toBe(3);
    expect(perform.cues.state().current).toBe(0);
  });
});

describe('on a full disk', () => {
  const refused = (what: string) => ({
    status: 507,
    body: {
      error: {
        code: 'save_failed',
        message: expect.stringMatching(
          new RegExp(`^could not save the ${what} to .*: the disk is full \\(ENOSPC\\); nothing was changed`),
        ),
      },
    },
  });

  it('a cue change answers 507 with a sentence; the list stays as the file has it, after a restart too', async () => {
    const { req } = await build();
    await req('PUT', '/cues/warm', { values: { zoom: 4 } });
    diskFull = true;
    expect(await req('PUT', '/cues/cold', { values: { zoom: 0 } })).toMatchObject(refused('cues'));
    expect(await req('DELETE', '/cues/warm')).toMatchObject(refused('cues'));
    expect(await req('PUT', '/cues', { cues: [] })).toMatchObject(refused('cues'));
    expect((await req('GET', '/cues')).body).toMatchObject({ cues: [{ name: 'warm', values: { zoom: 4 } }] });
    expect(logs.at(-1)).toMatch(/^could not save the cues/);
    expect((await build()).perform.cues.all().map((c) => c.name)).toEqual(['warm']);
  });

  it('a timeline change answers 507; the old timeline stays, after a restart too', async () => {
    const { req } = await build();
    await req('PUT', '/timeline', { entries: [{ prompt: 'sea', duration: 2 }] });
    diskFull = true;
    expect(await req('PUT', '/timeline', { entries: [{ prompt: 'land', duration: 4 }] })).toMatchObject(
      refused('timeline'),
    );
    expect((await req('GET', '/timeline')).body).toMatchObject({ timeline: { entries: [{ prompt: 'sea' }] } });
    expect((await (await build()).req('GET', '/timeline')).body).toMatchObject({
      timeline: { entries: [{ prompt: 'sea' }] },
    });
  });

  it('a modulator change answers 507; the modulators and their parameters stay, after a restart too', async () => {
    const { req } = await build();
    await req('PUT', '/modulators/lfo1', { targets: ['zoom'], depth: 0.25 });
    diskFull = true;
    expect(await req('PUT', '/modulators/lfo2', { targets: ['zoom'] })).toMatchObject(refused('modulators'));
    expect(params.spec('lfo2.depth')).toBeUndefined();
    expect(await req('PUT', '/modulators/lfo1', { targets: ['zoom'], depth: 0.9 })).toMatchObject(
      refused('modulators'),
    );
    expect(params.get('lfo1.depth')).toBe(0.25);
    expect(await req('DELETE', '/modulators/lfo1')).toMatchObject(refused('modulators'));
    expect(params.spec('lfo1.depth')).toMatchObject({ kind: 'number' });
    expect((await req('GET', '/modulators')).body).toMatchObject({ modulators: [{ id: 'lfo1', depth: 0.25 }] });
    expect((await (await build()).req('GET', '/modulators')).body).toMatchObject({
      modulators: [{ id: 'lfo1', depth: 0.25 }],
    });
  });

  it('a take that cannot be saved answers 507 over HTTP, is said in the log from a command, and is not listed', async () => {
    const { req, command, service } = await build();
    await req('POST', '/takes/record', { record: true, name: 'verse' });
    await req('POST', '/takes/record', { record: false });
    diskFull = true;
    await req('POST', '/takes/record', { record: true, name: 'chorus' });
    expect(await req('POST', '/takes/record', { record: false })).toMatchObject(refused('take'));
    command('take/record', true);
    expect(command('take/record', false)).toMatch(/^take .* stopped, saving it$/);
    await service.flush();
    expect(logs.at(-1)).toMatch(/^could not save the take to .*\.json: the disk is full/);
    expect(() => command('take/record', false)).toThrow('no take is recording');
    const names = (state: { body: Record<string, unknown> }) =>
      (state.body.takes as { name: string }[]).map((t) => t.name);
    expect(names(await req('GET', '/takes'))).toEqual(['verse']);
    expect(names(await (await build()).req('GET', '/takes'))).toEqual(['verse']);
  });
});
