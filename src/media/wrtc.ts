import { createRequire } from 'node:module';
import type * as WrtcModule from '@roamhq/wrtc';

/** The part of @roamhq/wrtc this output uses (its own typings describe the standard classes). */
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
