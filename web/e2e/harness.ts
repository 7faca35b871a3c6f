/**
 * The end-to-end rig: a real server (startTestScope) with the services the panel shows mounted beside it (presets,
 * outputs, MIDI when given), the panel built by the same code `npm start` uses, and headless Chromium.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { ensurePanelBuilt } from '../../src/panel-build';
import { startTestScope } from '../../src/server/test-support';
import { startHttpServer } from '../../src/server/http';
import { oscRoutes } from '../../control/osc/paths';
import { presetRoutes } from '../../src/presets/index';
import { mjpegRoutes } from '../../outputs/mjpeg/routes';
import { whepRoutes } from '../../outputs/webrtc/routes';
import type { MjpegOutput } from '../../outputs/mjpeg/mjpeg-output';
import type { WhepOutput } from '../../outputs/webrtc/whep-output';
import type { PresetStore } from '../../src/presets/index';
import type { Browser, Page } from 'playwright-core';
import type { Hono } from 'hono';
import type { ScopeServices } from '../../src/kernel/services';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export interface Rig {
  url: string;
  services: ScopeServices;
  oscPort: number;
  presets: PresetStore;
  configDir: string;
  browser: Browser;
  page: Page;
  stop(): Promise<void>;
}

/** Extra /api/v1 routes built from the running services (outputs, MIDI). */
export type ExtraRoutes = (
  services: ScopeServices,
  configDir: string,
) => Promise<{ routes: Hono[]; stop?: () => Promise<void> }>;

export async function startRig(extra?: ExtraRoutes): Promise<Rig> {
  const built = await ensurePanelBuilt({ log: () => {} });
  if (built === 'failed') throw new Error('the panel did not build; run `npm run build` to see why');
  const configDir = await mkdtemp(join(tmpdir(), 'scope-e2e-'));
  // 256 px: big enough to see in screenshots, cheap enough for a 2-core CI machine.
  const scope = await startTestScope({ width: 256, height: 256, fps: 20, oscQueryPort: null, configDir });
  const services = scope.services;
  const presets = scope.presets;
  const more = extra ? await extra(services, configDir) : { routes: [] };
  // The server mounts presets itself; the second listener on the same services adds the stand-in outputs and the
  // fake MIDI device of a test (the real ones would start NDI on this machine, and MIDI is off in tests).
  const http = await startHttpServer(services, {
    port: 0,
    host: '127.0.0.1',
    apiRoutes: [
      oscRoutes(services),
      presetRoutes(presets),
      mjpegRoutes(scope.outputs.get('mjpeg') as MjpegOutput, services.engine),
      ...more.routes,
    ],
    rootRoutes: [whepRoutes(scope.outputs.get('webrtc') as WhepOutput)],
    mjpegClients: () => (scope.outputs.get('mjpeg') as MjpegOutput).streams.count,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  // A missing element should fail its test in seconds, well inside vitest's timeout, with Playwright's message.
  page.setDefaultTimeout(8000);
  const url = `http://127.0.0.1:${http.port}`;
  return {
    url,
    services,
    oscPort: scope.osc?.port ?? 0,
    presets,
    configDir,
    browser,
    page,
    stop: async () => {
      await browser.close();
      await http.close();
      await more.stop?.();
      await scope.stop();
      await rm(configDir, { recursive: true, force: true });
    },
  };
}

/** A PNG of the page for web/screenshots/, when SCREENSHOTS is set (a normal test run leaves the tree alone). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.SCREENSHOTS) return;
  // A 256-colour palette keeps the PNGs small enough to commit; the UI is flat colours, only the preview bands.
  await sharp(await page.screenshot())
    .png({ palette: true, compressionLevel: 9 })
    .toFile(join(import.meta.dirname, '..', 'screenshots', `${name}.png`));
}
