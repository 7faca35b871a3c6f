/** Helpers for the outputs' integration tests: the server `npm start` runs, with outputs injected into its root. */
import { startTestScope } from '../src/server/test-support';
import { WhepOutput } from './webrtc/whep-output';
import { blockSize, FRAME_CODE_BITS } from '../pipelines/test-pattern/frame-code';
import { requireWrtc } from '../src/media/wrtc';
import { tickFrames } from '../src/engine/test-support';
import type { Image } from '../src/engine/frame';
import type { Engine } from '../src/engine/engine';
import type { ManualClock } from '../src/engine/clock';
import type { ScopeOptions } from '../src/main';
import type { OutputHub } from './hub';
import type { Output } from './output';
import type { WhepLimits, WhepOptions } from './webrtc/whep-output';

export interface OutputTestScope {
  url: string;
  hub: OutputHub;
  webrtc: WhepOutput;
  scope: Awaited<ReturnType<typeof startTestScope>>;
  /** `outputs` events as the WebSocket clients get them. */
  events: unknown[][];
  stop(): Promise<void>;
}

/**
 * startTestScope (no OSC) with a loopback-only WHEP output (and `extra.outputs`) injected into the root: the same
 * server, routes and wiring as `npm start`.
 */
export async function startOutputScope(
  options: Partial<ScopeOptions> = {},
  extra: { whep?: Partial<WhepOptions>; whepLimits?: Partial<WhepLimits>; outputs?: Output[] } = {},
): Promise<OutputTestScope> {
  // Loopback only in tests: the answer names no other interface, so no packet leaves the machine.
  const webrtc = new WhepOutput('webrtc', { hostCandidates: ['127.0.0.1'], ...extra.whep }, '', extra.whepLimits);
  const scope = await startTestScope({
    oscPort: null,
    oscQueryPort: null,
    ...options,
    outputs: [webrtc, ...(extra.outputs ?? [])],
  });
  const events: unknown[][] = [];
  scope.services.events.on((topic, data) => topic === 'outputs' && events.push([topic, data]));
  return { url: scope.url, hub: scope.outputs, webrtc, scope, events, stop: () => scope.stop() };
}

/** Reads the test pattern's frame code from an image that may have been scaled from `sourceWidth`. */
export function readScaledFrameCode(image: Image, sourceWidth: number): number {
  const scale = image.width / sourceWidth;
  const s = blockSize(sourceWidth) * scale;
  const y = Math.floor(s / 2);
  let value = 0;
  for (let i = 0; i < FRAME_CODE_BITS; i++) {
    const x = Math.floor(i * s + s / 2);
    const o = (y * image.width + x) * 4;
    const luma = (image.data[o]! + image.data[o + 1]! + image.data[o + 2]!) / 3;
    value = (value << 1) | (luma >= 128 ? 1 : 0);
  }
  return value;
}

/** Keeps only loopback ICE candidates of an SDP (tests never touch another interface). */
export function loopbackOnly(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') || l.split(' ')[4] === '127.0.0.1')
    .join('\r\n');
}

/** A frame as @roamhq/wrtc's RTCVideoSink hands it (I420). */
export interface SinkFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A sink's I420 frame decoded to RGBA, as the far side of a test link sees it. */
export function sinkFrameToImage(frame: SinkFrame): Image {
  const image = { width: frame.width, height: frame.height, data: new Uint8Array(frame.width * frame.height * 4) };
  requireWrtc().nonstandard.i420ToRgba(frame, image);
  return image;
}

/**
 * A frame loop running late, on purpose and every time: nothing for `stallMs` of real time, then the `burst`
 * frames due meanwhile all at once (released on the engine's manual clock), over and over until stop(). Real
 * time, because what it tests (encoders, SFUs, decoders) stamps frames with the time they arrive.
 */
export function lateLoop(
  engine: Engine,
  clock: ManualClock,
  { burst = 3, stallMs = 100 }: { burst?: number; stallMs?: number } = {},
): { stop(): Promise<void> } {
  let running = true;
  const done = (async () => {
    while (running) {
      await tickFrames(engine, clock, burst);
      await new Promise((r) => setTimeout(r, stallMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}
