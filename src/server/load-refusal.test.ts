/**
 * A load its preflight refuses, from every surface: HTTP answers 409 `load_refused` with the sentence, the list
 * says per pipeline whether it can load here and what fixes it, OSC goes through the same host load and is
 * refused the same way; in each case the running pipeline keeps rendering and its status does not change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { solidPipeline } from '../engine/test-support';
import { definePipeline } from '../engine/pipeline';
import { startTestRig } from '../test-rig';
import { grab } from './test-helpers';
import { TestSocket, call, startTestScope } from './test-support';
import { routeMessage, routerDeps } from '../../control/osc/router';
import type { PipelineDefinition } from '../engine/pipeline';

const solid = solidPipeline('solid');
const gone = join(tmpdir(), 'scope-no-such-folder', 'model.onnx');
// Solid frames, but its preflight says it needs a file that is not there, and how to get it.
const needsFile = definePipeline({
  ...solidPipeline('needs-file'),
  preflight: () => ({
    files: [{ path: gone, role: 'the model' }],
    missing: () => ({
      message: `needs-file needs its model (≈1 GB): run \`daydream-scope download needs-file\``,
      fix: 'daydream-scope download needs-file',
    }),
  }),
}) as PipelineDefinition;

describe('a load its preflight refuses', () => {
  let rig: Awaited<ReturnType<typeof startTestRig>>;
  const status = async () => (await rig.call('/api/v1/pipeline/status')).body;

  beforeAll(async () => {
    rig = await startTestRig({ pipelines: [solid, needsFile], pipeline: 'solid' });
    await rig.frames(2);
  });
  afterAll(() => rig.stop());

  it.each([true, false])('HTTP (wait=%s): 409 with the sentence; status and frames go on', async (wait) => {
    const before = await status();
    const created = solid.created;
    const first = await grab(rig);
    const r = await rig.call(`/api/v1/pipeline/load${wait ? '?wait=true' : ''}`, {
      method: 'POST',
      body: { pipeline_id: 'needs-file' },
    });
    expect(r).toMatchObject({
      status: 409,
      body: { error: { code: 'load_refused', message: expect.stringContaining('daydream-scope download needs-file') } },
    });
    expect(await status()).toEqual(before);
    expect(rig.services.params.owner).toBe('solid');
    await rig.frames(3);
    const after = await grab(rig);
    expect(after).toMatchObject({ pipeline: 'solid' });
    expect(after.seq).toBeGreaterThan(first.seq);
    expect(solid.created).toBe(created);
  });

  it('the list says which pipelines can load here, and for those that cannot, why and the fix', async () => {
    const list = (await rig.call('/api/v1/pipelines')).body as { id: string; loadable: unknown }[];
    expect(Object.fromEntries(list.map((p) => [p.id, p.loadable]))).toEqual({
      solid: { ok: true, reason: null, fix: null },
      'needs-file': {
        ok: false,
        reason: expect.stringContaining('needs-file needs its model'),
        fix: 'daydream-scope download needs-file',
      },
    });
  });

  it('OSC /scope/pipeline/load goes through the same load and is refused the same way', async () => {
    const before = await status();
    const lines: string[] = [];
    // The host itself, its loads kept so the test can wait for the refusal (the preflight reads the disk).
    const { host } = rig.services;
    const loads: Promise<void>[] = [];
    const watched = { activeId: host.activeId, load: (id: string) => loads[loads.push(host.load(id)) - 1]! };
    const deps = routerDeps({ ...rig.services, host: watched, log: (m) => lines.push(m) }, 'osc:127.0.0.1:9000', 'OSC');
    const outcome = routeMessage(deps, { address: '/scope/pipeline/load', args: [{ type: 's', value: 'needs-file' }] });
    expect(outcome).toEqual({ kind: 'loading', pipeline: 'needs-file' });
    expect(loads).toHaveLength(1);
    await Promise.allSettled(loads);
    await Promise.resolve();
    expect(lines).toEqual([expect.stringMatching(/^OSC: loading needs-file failed: needs-file needs its model/)]);
    expect(await status()).toEqual(before);
    expect(rig.services.host.activeId).toBe('solid');
  });
});

describe('a load over the WebSocket its preflight refuses', () => {
  it('answers an error with the sentence, and the pipeline running goes on', async () => {
    const scope = await startTestScope({ pipelines: [solid, needsFile], pipeline: 'solid' });
    const socket = await TestSocket.open(scope.url);
    try {
      await socket.take('hello');
      socket.send({ type: 'load', pipeline_id: 'needs-file', id: 'n' });
      const answer = await socket.take('error', (m) => m.id === 'n');
      expect(answer.error).toMatchObject({ code: 'load_refused', message: expect.stringContaining('needs its model') });
      await socket.sync();
      expect(socket.messages.filter((m) => m.type === 'ack' && m.id === 'n')).toEqual([]);
      expect(scope.services.host.status()).toMatchObject({ state: 'ready', pipelineId: 'solid' });
    } finally {
      socket.ws.close();
      await scope.stop();
    }
  });
});

describe('a first pipeline its preflight refuses', () => {
  it('leaves the server up and blank, and the log says why', async () => {
    const scope = await startTestScope({ pipelines: [solid, needsFile], pipeline: 'needs-file' });
    try {
      expect(scope.logs).toContainEqual(expect.stringMatching(/^Not loading needs-file: needs-file needs its model/));
      expect((await call(`${scope.url}/api/v1/pipeline/status`)).body).toMatchObject({ state: 'idle' });
      const list = (await call(`${scope.url}/api/v1/pipelines`)).body as { id: string; loadable: { ok: boolean } }[];
      expect(list.find((p) => p.id === 'needs-file')!.loadable.ok).toBe(false);
    } finally {
      await scope.stop();
    }
  });
});
