/**
 * End to end in Chromium: the panel served by the real server, "Use camera" with Chromium's fake camera playing a
 * known picture, published over WHIP, chosen as the input and seen in the frames passthrough sends out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePanelBuilt } from '../src/panel-build';
import { call, startTestScope, waitFor } from '../src/server/test-support';
import { patch } from './test-support';
import type { Browser, Page } from 'playwright-core';
import type { Frame } from '../src/engine/frame';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A y4m clip for Chromium's fake camera: left half red, right half blue (Chromium loops it). */
function fakeCameraClip(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'scope-cam-')), 'camera.y4m');
  const source = `nullsrc=s=320x240:r=10,format=rgb24,geq=r='if(lt(X,W/2),230,20)':g='20':b='if(lt(X,W/2),20,230)'`;
  const run = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source].concat([
      '-t',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'yuv4mpegpipe',
      path,
    ]),
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`ffmpeg could not make the fake camera clip: ${run.stderr}`);
  return path;
}

describe('the panel publishes the camera over WHIP (Chromium, fake camera)', () => {
  let scope: Awaited<ReturnType<typeof startTestScope>>;
  let browser: Browser;
  let page: Page;
  let latest: Frame | undefined;

  beforeAll(async () => {
    // CI installs Chromium: without it this fails, it does not skip.
    expect(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`).toBe(true);
    expect(await ensurePanelBuilt({ log: () => {} })).not.toBe('failed');
    scope = await startTestScope({
      pipeline: 'passthrough',
      width: 128,
      height: 128,
      fps: 20,
      oscPort: null,
      oscQueryPort: null,
    });
    scope.services.engine.onFrame((f) => (latest = f));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${fakeCameraClip()}`,
        // Plain host candidates, no mDNS names: the server needs no resolver.
        '--disable-features=WebRtcHideLocalIpsWithMdns',
        '--force-webrtc-ip-handling-policy=default_public_and_private_interfaces',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    await page.goto(scope.url);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await scope?.stop();
  });

  it('Use camera: the picture reaches the pipeline, the card shows the source live with a preview; Stop ends it', async () => {
    const card = page.getByRole('region', { name: 'input' });
    await card.getByRole('button', { name: 'Use camera' }).click();
    await card.getByRole('button', { name: 'Stop camera' }).waitFor();
    await waitFor(() => scope.inputs.selection().source === 'whip-camera', 10_000, 'the camera chosen as input');
    // 320x240 covered into 128x128: red on the left, blue on the right.
    await waitFor(() => latest !== undefined && patch(latest, 20, 64)[0]! > 180, 15_000, 'the camera in the output');
    expect(patch(latest!, 20, 64)[2]).toBeLessThan(80);
    expect(patch(latest!, 108, 64)[2]).toBeGreaterThan(180);
    expect(scope.inputs.info('whip-camera')).toMatchObject({ state: 'live', width: 320, height: 240, active: true });
    await card.getByRole('img', { name: 'preview of WHIP /whip/camera' }).waitFor();
    await card.locator('[data-input="whip-camera"] .state-running').waitFor();
    // Chromium's fake microphone beeps: the camera brought it along, and the audio meters hear it.
    await waitFor(
      async () => ((await call(`${scope.url}/api/v1/audio`)).body as { level: number }).level > 0.1,
      10_000,
      'the microphone in the audio meters',
    );

    await card.getByRole('button', { name: 'Stop camera' }).click();
    await waitFor(() => scope.inputs.info('whip-camera').state === 'lost', 10_000, 'the publisher to leave');
    expect(scope.inputs.info('whip-camera').reason).toMatch(/publisher ended the session/);
  });
});
