import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMidiBackend } from './test-backend';
import { midiRoutes } from './routes';
import { MidiService } from './service';
import { cc } from './test-support';
import { startScope } from '../../src/main';
import { solidPipeline } from '../../src/engine/test-support';
import { createApp } from '../../src/server/app';
import { waitFor } from '../../src/server/test-support';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('MIDI with a real server and pipeline', () => {
  it('a knob moves the frames, the panel hears of it, and the routes answer in the app', async () => {
    const logs: string[] = [];
    const scope = await startScope({
      port: 0,
      host: '127.0.0.1',
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      width: 16,
      height: 16,
      waitForLoad: true,
      oscPort: null,
      oscQueryPort: null,
      log: (m) => logs.push(m),
    });
    cleanup.push(() => scope.stop());
    const dir = await mkdtemp(join(tmpdir(), 'scope-midi-int-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));

    const backend = new FakeMidiBackend({ inputs: ['nanoKONTROL2 20:0'], outputs: ['nanoKONTROL2 20:0'] });
    const topics: string[] = [];
    scope.services.events.on((topic) => topics.push(topic));
    const midi = new MidiService(scope.services, { backend, mappingsFile: join(dir, 'm.json'), rescanMs: 0 });
    await midi.start();
    cleanup.push(() => midi.stop());
    expect(topics).toContain('midi');
    expect(midi.status().inputs).toEqual([{ name: 'nanoKONTROL2', open: true }]);

    // Learn armed as a command, the way OSC (/scope/midi/learn) and WebSocket clients reach it.
    expect(scope.services.commands.get('midi/learn')!.run('nope')).toMatchObject({ ok: false });
    expect(scope.services.commands.get('midi/learn')!.run('level')).toMatchObject({ ok: true });
    // A 7-bit knob on CC 16 (0-31 could be a 14-bit MSB): its second move, with no LSB between, settles it.
    backend.inject('nanoKONTROL2 20:0', cc(1, 16, 0), cc(1, 16, 1));
    expect(midi.mappings()).toMatchObject([
      { param: 'level', device: 'nanoKONTROL2', control: { kind: 'cc', number: 16 } },
    ]);
    backend.inject('nanoKONTROL2 20:0', cc(1, 16, 127));
    expect(scope.services.params.get('level')).toBe(255);
    await waitFor(() => scope.services.engine.latest()?.data[0] === 255, 5000, 'a frame with red 255');

    // A change over HTTP reaches the controller's LED; the knob's own move did not echo.
    const app = createApp(scope.services, { apiRoutes: [midiRoutes(midi)] });
    const put = await app.request('/api/v1/parameters/level', { method: 'PUT', body: JSON.stringify({ value: 0 }) });
    expect(put.status).toBe(200);
    midi.flushFeedback();
    expect(backend.take('nanoKONTROL2 20:0')).toEqual([[0xb0, 16, 0]]);

    const status = await app.request('/api/v1/midi');
    expect(await status.json()).toMatchObject({ available: true, mappings: [{ param: 'level' }] });
    const learn = await app.request('/api/v1/midi/learn', { method: 'POST', body: JSON.stringify({ param: 'nope' }) });
    expect(learn.status).toBe(404);
    expect(await learn.json()).toMatchObject({ error: { code: 'unknown_parameter' } });

    await midi.stop();
    expect(scope.services.commands.get('midi/learn')).toBeUndefined();
  });

  it('startScope wires MIDI: learn over real HTTP, a knob sets the value, and the status is served', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scope-midi-main-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const backend = new FakeMidiBackend({ inputs: ['Faderfox EC4'], outputs: ['Faderfox EC4'] });
    const scope = await startScope({
      port: 0,
      pipelines: [solidPipeline()],
      pipeline: 'solid',
      width: 16,
      height: 16,
      waitForLoad: true,
      oscPort: null,
      oscQueryPort: null,
      configDir: dir,
      midi: true,
      midiBackend: backend,
      log: () => {},
    });
    cleanup.push(() => scope.stop());
    const status = await (await fetch(`${scope.url}/api/v1/midi`)).json();
    expect(status).toMatchObject({ available: true, inputs: [{ name: 'Faderfox EC4', open: true }] });

    const learn = await fetch(`${scope.url}/api/v1/midi/learn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ param: 'level' }),
    });
    expect(learn.status).toBe(202);
    backend.inject('Faderfox EC4', cc(2, 40, 10), cc(2, 40, 11));
    await waitFor(() => scope.midi!.mappings().length === 1, 5000, 'a mapping learned');
    backend.inject('Faderfox EC4', cc(2, 40, 64));
    expect(scope.services.params.get('level')).toBe(Math.round((64 / 127) * 255));
    // The mapping was written to the config dir given to startScope.
    await waitFor(
      async () => (await readFile(join(dir, 'midi-mappings.json'), 'utf8').catch(() => '')).includes('level'),
      5000,
      'mappings saved',
    );
  });
});
