/**
 * The end-to-end rig: the server `npm start` runs (startScope, through startTestScope) with the test's parts
 * injected, the panel built by the same code `npm start` uses, and headless Chromium.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ensurePanelBuilt } from '../../src/panel-build';
import { launchChromium } from '../../outputs/webrtc/test-player';
import { WhepOutput } from '../../outputs/webrtc/whep-output';
import { startTestScope } from '../../src/server/test-support';
import type { PresetStore } from '../../src/presets/index';
import type { Browser, Page } from 'playwright-core';
import type { ScopeServices } from '../../src/kernel/services';
import type { ScopeOptions } from '../../src/main';

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

/**
 * Starts the rig: the panel built as `npm start` builds it, the server started through the same root with the
 * test's parts injected (`parts`: a fake MIDI backend, stand-in outputs), and Chromium on it.
 */
export async function startRig(parts: Partial<ScopeOptions> = {}): Promise<Rig> {
  const built = await ensurePanelBuilt({ log: () => {} });
  if (built === 'failed') throw new Error('the panel did not build; run `npm run build` to see why');
  const configDir = await mkdtemp(join(tmpdir(), 'scope-e2e-'));
  // 256 px: big enough to see in screenshots, cheap enough for a 2-core CI machine.
  // WHEP answers with loopback candidates only: the preview's WebRTC never leaves the machine.
  const webrtc = new WhepOutput('webrtc', { hostCandidates: ['127.0.0.1'] });
  const scope = await startTestScope({
    width: 256,
    height: 256,
    fps: 20,
    oscQueryPort: null,
    configDir,
    ...parts,
    outputs: [webrtc, ...(parts.outputs ?? [])],
  });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  // A missing element should fail its test in seconds, well inside vitest's timeout, with Playwright's message.
  page.setDefaultTimeout(8000);
  return {
    url: scope.url,
    services: scope.services,
    oscPort: scope.osc?.port ?? 0,
    presets: scope.presets,
    configDir,
    browser,
    page,
    stop: async () => {
      await browser.close();
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
