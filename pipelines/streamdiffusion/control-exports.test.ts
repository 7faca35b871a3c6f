/**
 * The ControlNet exports in the model manager's listing (they are not downloadable: the exporter writes them), and
 * a load that needs a missing one refused by the preflight with the exporter command before the show is touched.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDownloadCommand } from '../../src/models/download-command';
import { solidPipeline } from '../../src/engine/test-support';
import { startTestRig } from '../../src/test-rig';
import { streamDiffusionManifests } from './manifests';
import { controlNetExports, withControlNeeds } from './control-exports';
import { streamDiffusion } from './streamdiffusion';
import type { PipelineDefinition } from '../../src/engine/pipeline';

const off = { controlnet: 'none', controlnetScale: 1, controlnet2: 'none', controlnetScale2: 1 };
const values = (a: string, b = 'none') => ({
  ...off,
  controlnet: a,
  controlnet2: b,
  controlnet3: 'none',
  controlnetScale3: 1,
});
const exported = (dir: string) => join(dir, 'exported', 'sd-turbo-controlnet');
const commandFor = (dir: string, names: string) =>
  `python tools/sd-variants-export/export.py --model stabilityai/sd-turbo --variant webgpu --controlnet ${names} --out ${exported(dir)}`;

describe('ControlNet exports', () => {
  let dir: string;
  const saved = process.env.DAYDREAM_SCOPE_MODELS_DIR;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sd-control-exports-'));
    process.env.DAYDREAM_SCOPE_MODELS_DIR = dir;
    // The depth export is here (the ControlNet UNet and the depth ControlNet); canny and softedge are not.
    for (const f of ['unet_controlnet/model.onnx', 'controlnet_depth/model.onnx']) {
      await mkdir(join(exported(dir), f, '..'), { recursive: true });
      await writeFile(join(exported(dir), f), 'graph');
    }
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.DAYDREAM_SCOPE_MODELS_DIR;
    else process.env.DAYDREAM_SCOPE_MODELS_DIR = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('`download --list` says which are here and the command that makes the others', async () => {
    const out: string[] = [];
    const code = await runDownloadCommand(['--list', '--dir', dir], {
      manifests: streamDiffusionManifests,
      exports: controlNetExports,
      stdout: { isTTY: false, columns: 100, write: (s: string) => out.push(s) },
      stderr: { isTTY: false, columns: 100, write: () => {} },
    });
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toContain('Exported, not downloadable');
    expect(text).toMatch(/^sd-turbo-controlnet-depth \(sd-turbo, streamdiffusion\): ready$/m);
    expect(text).toContain(
      `sd-turbo-controlnet-canny (sd-turbo, streamdiffusion): missing exported/sd-turbo-controlnet/controlnet_canny/model.onnx\n  make it: ${commandFor(dir, 'canny')}`,
    );
    expect(text).toMatch(/^sd-turbo-controlnet-softedge .*: missing /m);

    // Asked to download one: refused with the command that makes it, nothing fetched.
    const err: string[] = [];
    const refused = await runDownloadCommand(['sd-turbo-controlnet-canny', '--dir', dir, '--device', 'cpu'], {
      manifests: streamDiffusionManifests,
      exports: controlNetExports,
      fetch: () => Promise.reject(new Error('nothing may be fetched')),
      stdout: { isTTY: false, columns: 100, write: () => {} },
      stderr: { isTTY: false, columns: 100, write: (s: string) => err.push(s) },
    });
    expect(refused).toBe(2);
    expect(err.join('')).toContain(
      `sd-turbo-controlnet-canny is not downloadable (no ONNX export on the Hub): make it with \`${commandFor(dir, 'canny')}\``,
    );
  });

  it('the preflight names the exporter command for a missing ControlNet, and nothing for one that is here', () => {
    const needs = withControlNeeds(undefined, 'sd-turbo', values('canny', 'depth'), dir)!;
    const paths = needs.files.map((f) => f.path);
    expect(paths).toEqual([
      join(exported(dir), 'unet_controlnet/model.onnx'),
      join(exported(dir), 'controlnet_canny/model.onnx'),
      join(exported(dir), 'controlnet_depth/model.onnx'),
    ]);
    const said = needs.missing!([needs.files[1]!]);
    expect(said.fix).toBe(commandFor(dir, 'canny,depth'));
    expect(said.message).toMatch(
      /^ControlNet canny, depth for sd-turbo is not exported \(no download exists; missing ControlNet canny in /,
    );
    // The generated models make their own; no ControlNet chosen needs nothing more.
    expect(withControlNeeds(undefined, 'tiny', values('canny'), dir)).toBeUndefined();
    expect(withControlNeeds(undefined, 'sd-turbo', values('none'), dir)).toBeUndefined();
  });

  it('through the server: the models status lists them, and a load needing a missing one is refused (409)', async () => {
    const solid = solidPipeline('solid');
    // The models folder is DAYDREAM_SCOPE_MODELS_DIR, set above: the manager's and the pipeline's.
    const rig = await startTestRig({
      pipelines: [solid, streamDiffusion as PipelineDefinition],
      pipeline: 'solid',
    });
    try {
      const status = (await rig.call('/api/v1/models/status')).body;
      const states = Object.fromEntries(
        (status.exports as { id: string; state: string }[]).map((e) => [e.id, e.state]),
      );
      // The panel's Download of it would be refused with the command (it offers none, but the API is open).
      const download = await rig.call('/api/v1/models/download', {
        method: 'POST',
        body: { model: 'sd-turbo-controlnet-canny' },
      });
      expect(download.status).toBe(404);
      expect(download.body.error.message).toContain(`make it with \`${commandFor(dir, 'canny')}\``);
      expect(states).toEqual({
        'sd-turbo-controlnet-depth': 'ready',
        'sd-turbo-controlnet-canny': 'missing',
        'sd-turbo-controlnet-softedge': 'missing',
      });
      await rig.frames(2);
      const before = (await rig.call('/api/v1/pipeline/status')).body;
      const r = await rig.call('/api/v1/pipeline/load', {
        method: 'POST',
        body: { pipeline_id: 'streamdiffusion', params: { model: 'sd-turbo', controlnet: 'canny' } },
      });
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('load_refused');
      // sd-turbo's own files are not here either: both commands, the download and the export.
      expect(r.body.error.message).toContain('daydream-scope download sd-turbo');
      expect(r.body.error.message).toContain(commandFor(dir, 'canny'));
      expect((await rig.call('/api/v1/pipeline/status')).body).toEqual(before);
      expect(solid.created).toBe(1);
    } finally {
      await rig.stop();
    }
  });
});
