import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/engine/frame';
import type { Scope } from '../../src/main';
import { grabUntil } from '../../src/server/test-helpers';
import { call, startTestScope } from '../../src/server/test-support';

/**
 * Both pipelines stream through real servers, one on the CPU execution provider and one on WebGPU (Mesa's lavapipe
 * in CI; a machine without an adapter fails here), and the frames they render are the same bytes.
 */
describe('ar-video pipelines through the server, CPU and WebGPU', () => {
  const scopes: Record<'cpu' | 'webgpu', Scope | undefined> = { cpu: undefined, webgpu: undefined };

  // The fixed-step clock renders frame after frame with virtual time, so both servers see the same frame times
  // (the video source is animated) and every render is waited for; they are paused between tests.
  beforeAll(async () => {
    scopes.cpu = await startTestScope({ pipeline: null, fps: 15, device: 'cpu', clock: 'fixed-step' });
    scopes.webgpu = await startTestScope({ pipeline: null, fps: 15, device: 'webgpu', clock: 'fixed-step' });
  });
  afterAll(async () => {
    await scopes.cpu?.stop();
    await scopes.webgpu?.stop();
  });

  /** Loads `id` with the tiny model and collects the first `count` frames it renders (repeats left out). */
  async function frames(scope: Scope, id: string, params: Record<string, unknown>, count: number) {
    const got: Frame[] = [];
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => (done = resolve));
    const off = scope.services.engine.onFrame((f) => {
      if (f.pipelineId !== id || f.repeated || got.length >= count) return;
      got.push(f);
      if (got.length === count) done();
    });
    try {
      scope.services.engine.setPaused(false);
      const r = await call(`${scope.url}/api/v1/pipeline/load?wait=true`, {
        method: 'POST',
        body: { pipeline_id: id, params: { model: 'tiny', width: 64, height: 64, ...params } },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      await all;
    } finally {
      off();
      scope.services.engine.setPaused(true);
    }
    return got;
  }

  it('the WebGPU server really runs on WebGPU', async () => {
    const status = (await call(`${scopes.webgpu!.url}/api/v1/pipeline/status`)).body;
    expect(JSON.stringify(status)).not.toMatch(/using CPU/);
    expect(scopes.webgpu!.runtime.executionProvider).toBe('webgpu');
  });

  it.each([
    ['longlive', { steps: '1000,750', transition: 0 }, 24],
    ['streamdiffusionv2', { source: 'test-pattern', noiseController: true }, 12],
  ])('%s: identical frames on both providers, and they move', async (id, params, count) => {
    const [cpu, gpu] = [await frames(scopes.cpu!, id, params, count), await frames(scopes.webgpu!, id, params, count)];
    expect(cpu.map((f) => f.width)).toEqual(new Array(count).fill(64));
    for (let i = 0; i < count; i++) expect(Buffer.compare(cpu[i]!.data, gpu[i]!.data), `frame ${i}`).toBe(0);
    expect(Buffer.compare(cpu[0]!.data, cpu[count - 1]!.data)).not.toBe(0);
    // And out over HTTP like any pipeline.
    const frame = await grabUntil(scopes.webgpu!.url, (g) => g.pipeline === id, `a ${id} frame over HTTP`);
    expect(frame).toMatchObject({ width: 64, height: 64 });
  });

  it('without an export the load is refused with the export sentence and the server keeps going', async () => {
    const scope = scopes.cpu!;
    scope.services.engine.setPaused(false);
    const before = (await call(`${scope.url}/api/v1/pipeline/status`)).body;
    const r = await call(`${scope.url}/api/v1/pipeline/load?wait=true`, {
      method: 'POST',
      body: { pipeline_id: 'streamdiffusionv2', params: { model: 'streamdiffusionv2-1.3b' } },
    });
    // Refused before anything changed: the pipeline running goes on.
    expect(r).toMatchObject({ status: 409, body: { error: { code: 'load_refused' } } });
    expect(r.body.error.message).toMatch(/^streamdiffusionv2 needs the streamdiffusionv2-1\.3b export/);
    expect((await call(`${scope.url}/api/v1/pipeline/status`)).body).toEqual(before);
    await grabUntil(scope.url, (g) => g.width === 64, 'frames still going out');
  });
});
