import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockSize, readFrameCode } from '../../pipelines/test-pattern/frame-code';
import { startOutputScope } from '../test-support';
import { chromiumAvailable, launchChromium, openOutput, sampleFrames } from './test-player';
import type { Browser } from 'playwright-core';
import type { OutputTestScope } from '../test-support';

const W = 256;

// Outside CI a machine without it skips; CI installs it, so there a missing one fails instead of skipping.
describe.skipIf(!chromiumAvailable() && !process.env.CI)('the /output page in headless Chromium', () => {
  let t: OutputTestScope;
  let browser: Browser;
  const rendered = new Set<number>();

  beforeAll(async () => {
    t = await startOutputScope({ pipeline: 'test-pattern', width: W, height: W });
    t.scope.services.engine.onFrame((f) => rendered.add(readFrameCode(f)));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('plays the stream over WHEP and decodes frames of the pipeline', async () => {
    const page = await openOutput(browser, t.url);
    const samples = await sampleFrames(page, 10, blockSize(W));
    expect(samples).toHaveLength(10);
    expect(samples.every((s) => s.width === W)).toBe(true);
    // Most decoded frames carry a frame code the pipeline drew (a few may be mid-adaptation).
    expect(samples.filter((s) => rendered.has(s.code)).length).toBeGreaterThanOrEqual(8);
    const quality = await page.evaluate(
      () => document.querySelector('video')!.getVideoPlaybackQuality().totalVideoFrames,
    );
    expect(quality).toBeGreaterThan(0);
    expect(t.webrtc.sessionCount).toBe(1);
    await page.close();
  });
});
