import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock';
import { call, socketRig, startTestScope } from '../../src/server/test-support';
import { difference, grabUntil, stillFrame } from '../../src/server/test-helpers';
import type { Scope } from '../../src/main';
import type { Rig } from '../../src/server/test-support';
import { tempModelsDir } from '../shared/test-models-dir';
import { tinyLora, tinyLoraFile } from './tiny/test-lora';

describe('LoRA through a real server (tiny model)', () => {
  let scope: Scope;
  let url: string;
  let rig: Rig;
  const models = tempModelsDir('sd-lora-server-');

  beforeAll(async () => {
    await mkdir(join(models(), 'loras'));
    await writeFile(join(models(), 'loras', 'style.safetensors'), tinyLoraFile(tinyLora(31)));
    // In the folder, so a choice, but no LoRA: it can only be refused when it is applied.
    await writeFile(join(models(), 'loras', 'broken.safetensors'), 'not a safetensors file');
    const clock = new ManualClock();
    scope = await startTestScope({ pipeline: null, fps: 15, clock });
    url = scope.url;
    rig = socketRig(scope, clock);
  });
  afterAll(async () => {
    await scope.stop();
  });

  const base = { model: 'tiny', mode: 'txt2img', tIndexList: '0', transition: 0, width: 64, height: 64 };
  const load = (params: Record<string, unknown>) =>
    call(`${url}/api/v1/pipeline/load?wait=true`, { method: 'POST', body: { pipeline_id: 'streamdiffusion', params } });
  const patch = (body: Record<string, unknown>) => call(`${url}/api/v1/parameters`, { method: 'PATCH', body });

  it('the folder is the choices; the strength moves the picture live and 0 is the base model', async () => {
    const listed = await call(`${url}/api/v1/loras`);
    expect(listed.body.loras.map((l: { name: string }) => l.name)).toEqual(['broken', 'style']);

    expect((await load(base)).status).toBe(200);
    const plain = await stillFrame(rig, 5);
    const schema = (await call(`${url}/api/v1/parameters`)).body.schema;
    expect(schema.properties.lora.enum).toEqual(['none', 'broken', 'style']);

    expect((await load({ ...base, lora: 'style', loraScale: 1 })).status).toBe(200);
    const styled = await stillFrame(rig, 5);
    expect(difference(styled, plain)).toBeGreaterThan(2);

    expect((await patch({ loraScale: 0 })).status).toBe(200);
    await grabUntil(rig, (g) => difference(g, plain) < 0.5, 'the base model’s picture at strength 0', 150);

    const refused = await patch({ lora: 'nope', loraScale: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.lora).toMatch(/expected one of none, broken, style, got "nope"/);
    // All or nothing: the strength in the same patch was not applied either.
    expect((await call(`${url}/api/v1/parameters`)).body.values.loraScale).toBe(0);
  });

  /** The pipeline's status once `check` holds, rendering a frame between asks (the change runs beside them). */
  async function statusWhen(check: (s: { warnings: string[] }) => boolean, what: string) {
    for (let i = 0; i < 400; i++) {
      const s = (await call(`${url}/api/v1/pipeline/status`)).body as { warnings: string[] };
      if (check(s)) return s;
      await rig.frames(1);
    }
    throw new Error(`the status never showed ${what}`);
  }

  it('a LoRA change refused on a live change is in the pipeline status until a later change succeeds', async () => {
    expect((await load({ ...base, lora: 'style', loraScale: 1 })).status).toBe(200);
    expect((await call(`${url}/api/v1/pipeline/status`)).body.warnings).toEqual([]);

    expect((await patch({ lora: 'broken' })).status).toBe(200);
    const warned = await statusWhen((s) => s.warnings.length > 0, 'the refused change');
    expect(warned.warnings).toEqual([expect.stringMatching(/^LoRA change to broken refused, style goes on: .+/)]);
    // The show went on with the LoRA before: frames still come.
    const before = (await call(`${url}/api/v1/pipeline/status`)).body;
    expect(before.state).toBe('ready');

    expect((await patch({ lora: 'none' })).status).toBe(200);
    await statusWhen((s) => s.warnings.length === 0, 'the warning cleared');
  });
});
