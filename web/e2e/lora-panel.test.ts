/**
 * End to end: the panel's LoRA card in headless Chromium against a real server running streamdiffusion's tiny
 * model. A LoRA is installed by URL from a local HTTP server the test starts, its progress pushed to the panel
 * over /ws, and then chosen for a slot. Skipped (with a note) where Chromium is not installed, as panel.test.ts is.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/server/test-support';
import { tinyLora, tinyLoraFile } from '../../pipelines/streamdiffusion/tiny/test-lora';
import { hasChromium, startRig } from './test-harness';
import type { Rig } from './test-harness';

const describeE2e = hasChromium || process.env.CI ? describe : describe.skip;

describeE2e('LoRA in the panel', () => {
  let rig: Rig;
  let files: Server;
  let from: string;
  let models: string;
  const saved = process.env.DAYDREAM_SCOPE_MODELS_DIR;
  const lora = tinyLoraFile(tinyLora(31));
  const page = () => rig.page;

  beforeAll(async () => {
    // The LoRA's own host: served in two writes, so the transfer has progress to show.
    files = createServer((req, res) => {
      if (req.url !== '/files/glow.safetensors') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': lora.length });
      res.write(lora.subarray(0, lora.length >> 1), () => res.end(lora.subarray(lora.length >> 1)));
    });
    await new Promise<void>((done) => files.listen(0, '127.0.0.1', done));
    from = `http://127.0.0.1:${(files.address() as AddressInfo).port}/files/glow.safetensors`;
    // A models folder of its own: the installer's and the pipeline's (both read DAYDREAM_SCOPE_MODELS_DIR).
    models = await mkdtemp(join(tmpdir(), 'scope-e2e-lora-'));
    process.env.DAYDREAM_SCOPE_MODELS_DIR = models;
    rig = await startRig({ width: 64, height: 64, midi: false });
    const load = await fetch(`${rig.url}/api/v1/pipeline/load?wait=true`, {
      method: 'POST',
      body: JSON.stringify({
        pipeline_id: 'streamdiffusion',
        params: { model: 'tiny', mode: 'txt2img', tIndexList: '0', width: 64, height: 64 },
      }),
    });
    expect(load.status).toBe(200);
    await page().goto(rig.url);
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
    await new Promise<void>((done) => (files ? files.close(() => done()) : done()));
    if (saved === undefined) delete process.env.DAYDREAM_SCOPE_MODELS_DIR;
    else process.env.DAYDREAM_SCOPE_MODELS_DIR = saved;
    await rm(models, { recursive: true, force: true });
  });

  it('installs a LoRA by URL, shows it installed and in the folder, and picks it for a slot', async () => {
    const card = page().locator('section[aria-label="loras"]');
    await card.getByText(/no LoRA in .* yet/).waitFor();
    await card.getByRole('textbox', { name: 'LoRA URL' }).fill(from);
    await card.getByRole('button', { name: 'Install' }).click();
    // No reload, no polling: the `loras` event brings the install's end and the folder with it.
    await card.locator('[data-install="glow"][data-state="ready"]').waitFor();
    await card.locator('[data-lora="glow"]').waitFor();
    expect(existsSync(join(models, 'loras', 'glow.safetensors'))).toBe(true);

    await card.getByRole('combobox', { name: 'LoRA slot 1' }).selectOption('glow');
    await waitFor(() => rig.services.params.get('lora') === 'glow', 5000, 'the lora parameter set from the panel');
    // Its strength is a slider of the controls, from the schema.
    await page().getByRole('slider', { name: 'LoRA strength', exact: true }).waitFor();
  });
});
