import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solidPipeline } from '../engine/test-support';
import { TestSocket, call, startTestScope, waitFor } from './test-support';
import type { Scope } from '../main';

describe('commands over HTTP and WebSocket', () => {
  let scope: Scope;
  const recalled: unknown[] = [];
  beforeAll(async () => {
    scope = await startTestScope({ pipelines: [solidPipeline('solid')], pipeline: 'solid' });
    scope.services.commands.add({
      name: 'preset/recall',
      description: 'recall a preset',
      arg: 'string-or-int',
      run: (v) => (v === 'nope' ? { ok: false, reason: 'no preset "nope"' } : (recalled.push(v), { ok: true })),
    });
  });
  afterAll(() => scope.stop());

  it('lists the commands', async () => {
    const { status, body } = await call(`${scope.url}/api/v1/commands`);
    expect(status).toBe(200);
    const names = body.commands.map((c: { name: string }) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['pause', 'preset/recall', 'output/ndi/enabled', 'output/webrtc/enabled']),
    );
    expect(names).toEqual([...names].sort());
  });

  it('POST /api/v1/commands/pause pauses and {"value": false} resumes', async () => {
    expect((await call(`${scope.url}/api/v1/commands/pause`, { method: 'POST' })).status).toBe(200);
    expect(scope.services.engine.isPaused).toBe(true);
    const res = await call(`${scope.url}/api/v1/commands/pause`, { body: { value: false } });
    expect(res.status).toBe(200);
    expect(scope.services.engine.isPaused).toBe(false);
  });

  it('reads "on"/"off" as OSC does (one argument reading on every surface)', async () => {
    expect((await call(`${scope.url}/api/v1/commands/pause`, { body: { value: 'on' } })).status).toBe(200);
    expect(scope.services.engine.isPaused).toBe(true);
    expect((await call(`${scope.url}/api/v1/commands/pause`, { body: { value: 'off' } })).status).toBe(200);
    expect(scope.services.engine.isPaused).toBe(false);
    const bad = await call(`${scope.url}/api/v1/commands/pause`, { body: { value: 'maybe' } });
    expect(bad.status).toBe(400);
    expect(scope.services.engine.isPaused).toBe(false);
  });

  it.each([
    ['an unknown command', 'dance', { value: 1 }, 404, 'unknown_command'],
    ['a value of the wrong kind', 'preset/recall', { value: 1.5 }, 400, 'invalid_body'],
    ['a refused value', 'preset/recall', { value: 'nope' }, 409, 'command_rejected'],
    ['an extra field', 'pause', { value: true, x: 1 }, 400, 'invalid_body'],
  ])('%s: answered %i and nothing runs', async (_what, name, json, status, code) => {
    const before = recalled.length;
    const res = await call(`${scope.url}/api/v1/commands/${name}`, { body: json });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(recalled.length).toBe(before);
    expect(scope.services.engine.isPaused).toBe(false);
  });

  it('output/<id>/enabled switches an output; an unavailable one is refused with its reason', async () => {
    const res = await call(`${scope.url}/api/v1/commands/output/mjpeg/enabled`, { body: { value: false } });
    expect(res.status).toBe(200);
    await waitFor(() => scope.outputs.info('mjpeg').state === 'off', 5000, 'mjpeg off');
    expect((await fetch(`${scope.url}/api/v1/stream.mjpeg`)).status).toBe(503);
    await call(`${scope.url}/api/v1/commands/output/mjpeg/enabled`, { body: { value: true } });
    await waitFor(() => scope.outputs.info('mjpeg').state === 'running', 5000, 'mjpeg on');
    const syphon = await call(`${scope.url}/api/v1/commands/output/syphon/enabled`, { body: { value: true } });
    expect(syphon.status).toBe(409);
    expect(syphon.body.error.message).toContain('syphon');
  });

  it('a WebSocket command runs and is acknowledged; a bad one gets an error', async () => {
    const s = await TestSocket.open(scope.url);
    await s.take('hello');
    s.send({ type: 'command', name: 'preset/recall', value: 'intro', id: 'c1' });
    expect(await s.take('ack')).toEqual({ type: 'ack', id: 'c1' });
    await waitFor(() => recalled.includes('intro'), 2000, 'recalled');
    s.send({ type: 'command', name: 'preset/recall', value: 'nope', id: 'c2' });
    const error = await s.take('error');
    expect(error).toMatchObject({ id: 'c2', error: { code: 'command_rejected' } });
    await s.close();
  });
});
