import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock';
import { call, socketRig, startTestScope } from '../../src/server/test-support';
import { difference, grabUntil, stillFrame } from '../../src/server/test-helpers';
import type { Scope } from '../../src/main';
import type { Rig } from '../../src/server/test-support';
import { tinyLora, tinyLoraFile } from './tiny/test-lora';

describe('LoRA through a real server (tiny model)', () => {
  let scope: Scope;
  let url: string;
  let rig: Rig;
  let models: string;
  const saved = process.env.DAYDREAM_SCOPE_MODELS_DIR;

  beforeAll(async () => {
    models = await mkdtemp(join(tmpdir(), 'sd-lora-server-'));
    process.env.DAYDREAM_SCOPE_MODELS_DIR = models;
    await mkdir(join(models, 'loras'));
    await writeFile(join(models, 'loras', 'style.safetensors'), tinyLoraFile(tinyLora(31)));
    const clock = new ManualClock();
    scope = await startTestScope({ pipeline: null, fps: 15, clock });
    url = scope.url;
    rig = socketRig(scope, clock);
  });
  afterAll(async () => {
    await scope.stop();
    if (saved === undefined) delete process.env.DAYDREAM_SCOPE_MODELS_DIR;
    else process.env.DAYDREAM_SCOPE_MODELS_DIR = saved;
    await rm(models, { recursive: true, force: true });
  });

  const base = { model: 'tiny', mode: 'txt2img', tIndexList: '0', transition: 0, width: 64, height: 64 };
  const load = (params: Record<string, unknown>) =>
    call(`${url}/api/v1/pipeline/load?wait=true`, { method: 'POST', body: { pipeline_id: 'streamdiffusion', params } });
  const patch = (body: Record<string, unknown>) => call(`${url}/api/v1/parameters`, { method: 'PATCH', body });

  it('the folder is the choices; the strength moves the picture live and 0 is the base model', async () => {
    const listed = await call(`${url}/api/v1/loras`);
    expect(listed.body.loras).toEqual([{ name: 'style', bytes: expect.any(Number) as number }]);

    expect((await load(base)).status).toBe(200);
    const plain = await stillFrame(rig, 5);
    const schema = (await call(`${url}/api/v1/parameters`)).body.schema;
    expect(schema.properties.lora.enum).toEqual(['none', 'style']);

    expect((await load({ ...base, lora: 'style', loraScale: 1 })).status).toBe(200);
    const styled = await stillFrame(rig, 5);
    expect(difference(styled, plain)).toBeGreaterThan(2);

    expect((await patch({ loraScale: 0 })).status).toBe(200);
    await grabUntil(rig, (g) => difference(g, plain) < 0.5, 'the base model’s picture at strength 0', 150);

    const refused = await patch({ lora: 'nope', loraScale: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.lora).toMatch(/expected one of none, style, got "nope"/);
    // All or nothing: the strength in the same patch was not applied either.
    expect((await call(`${url}/api/v1/parameters`)).body.values.loraScale).toBe(0);
  });
});
