/** Headless Chromium opening /output, for the end-to-end test and the bench (playwright-core, system Chromium). */
import { launchChromium as launch } from '../../src/server/test-browser';
import type { Browser, Page } from 'playwright-core';

export { CHROMIUM, chromiumAvailable } from '../../src/server/test-browser';

/** Chromium that plays WebRTC from this machine without asking. */
export async function launchChromium(): Promise<Browser> {
  return launch([
    '--autoplay-policy=no-user-gesture-required',
    // Plain host candidates, no mDNS names: nothing is multicast, and the server needs no resolver.
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--force-webrtc-ip-handling-policy=default_public_and_private_interfaces',
  ]);
}

/** Opens the player page and waits until it plays. */
export async function openOutput(browser: Browser, baseUrl: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 640, height: 640 } });
  await page.goto(`${baseUrl}/output`);
  await page.waitForFunction('window.scopeOutput.state === "playing"', null, { timeout: 20_000 });
  return page;
}

export interface PageSample {
  /** Frame code read from the top-left blocks of the decoded video. */
  code: number;
  /** performance.timeOrigin + now of the page when the frame was presented (epoch ms, like the server's). */
  at: number;
  width: number;
}

/**
 * Collects `n` decoded frames with requestVideoFrameCallback, reading each one's frame code from a canvas
 * (the video at its own size: `blocks` is the code's block size in pixels).
 */
export async function sampleFrames(page: Page, n: number, blocks: number): Promise<PageSample[]> {
  // Plain JS source, not a TS function: tsx's esbuild would slip helpers (__name) into a serialised function.
  return page.evaluate(`(${SAMPLER})(${n}, ${blocks})`) as Promise<PageSample[]>;
}

const SAMPLER = `(n, blocks) => new Promise((resolve) => {
  const video = document.querySelector('video');
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const out = [];
  const onFrame = (now) => {
    const at = performance.timeOrigin + now;
    const s = blocks;
    canvas.width = Math.ceil(16 * s);
    canvas.height = Math.ceil(s);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height, 0, 0, canvas.width, canvas.height);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let code = 0;
    for (let i = 0; i < 16; i++) {
      const o = (Math.floor(s / 2) * canvas.width + Math.floor(i * s + s / 2)) * 4;
      code = (code << 1) | ((px[o] + px[o + 1] + px[o + 2]) / 3 >= 128 ? 1 : 0);
    }
    out.push({ code, at, width: video.videoWidth });
    if (out.length >= n) resolve(out);
    else video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
})`;
