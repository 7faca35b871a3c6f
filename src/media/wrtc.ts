import { createRequire } from 'node:module';
import type * as WrtcModule from '@roamhq/wrtc';

/** @roamhq/wrtc as the WHEP output and the WHIP input use it (its own typings describe the standard classes). */
export type Wrtc = typeof WrtcModule;

let cached: { wrtc: Wrtc } | { reason: string } | undefined;

/** Loads @roamhq/wrtc once, lazily: its native binding is missing on some platforms and must not crash the server. */
export function loadWrtc(): { wrtc: Wrtc } | { reason: string } {
  if (cached) return cached;
  try {
    const require = createRequire(import.meta.url);
    cached = { wrtc: require('@roamhq/wrtc') as Wrtc };
  } catch (err) {
    cached = {
      reason:
        `the WebRTC library @roamhq/wrtc could not be loaded on ${process.platform}-${process.arch} ` +
        `(${(err as Error).message.split('\n')[0]}); run \`npm install\` again or use MJPEG/NDI instead`,
    };
  }
  return cached;
}

/** Whether WebRTC can run here, as the outputs and sources that need it report their availability. */
export function wrtcAvailability(): { available: true } | { available: false; reason: string } {
  const loaded = loadWrtc();
  return 'wrtc' in loaded ? { available: true } : { available: false, reason: loaded.reason };
}

/** @roamhq/wrtc, or an Error saying why it cannot load here (for code that starts only once it is available). */
export function requireWrtc(): Wrtc {
  const loaded = loadWrtc();
  if (!('wrtc' in loaded)) throw new Error(loaded.reason);
  return loaded.wrtc;
}

/** Resolves when ICE gathering is complete, or after `timeoutMs` with whatever candidates were found by then. */
export function iceGathered(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => pc.iceGatheringState === 'complete' && done();
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
