/** Helpers for the inputs' integration tests: a real server with the inputs set up exactly as main.ts does. */
import { startHttpServer } from '../src/server/http';
import { startTestScope } from '../src/server/test-support';
import { setupInputs } from './setup';
import type { Image } from '../src/engine/frame';
import type { ScopeOptions } from '../src/main';
import type { InputHub, InputHubOptions } from './hub';
import type { WhipIngest, WhipIngestOptions } from './whip/whip-ingest';

export interface InputTestScope {
  url: string;
  hub: InputHub;
  whip: WhipIngest;
  scope: Awaited<ReturnType<typeof startTestScope>>;
  events: [string, unknown][];
  stop(): Promise<void>;
}

/** For a timeout's message: the input as the hub lists it (state, problem, frames), or that it is not listed. */
export function inputSeen(t: InputTestScope, id: string): () => unknown {
  return () => (t.hub.has(id) ? t.hub.info(id) : `no input "${id}" listed`);
}

/**
 * startTestScope (no OSC) plus setupInputs over its services, the hub feeding the engine (engine.setInput), and
 * a second real HTTP server that mounts the input routes and the WHIP routes, as the composition root does.
 */
export async function startInputScope(
  options: Partial<ScopeOptions> = {},
  hub: Partial<InputHubOptions> = {},
  whip: Partial<WhipIngestOptions> = {},
): Promise<InputTestScope> {
  const scope = await startTestScope({ oscPort: null, oscQueryPort: null, ...options });
  const events: [string, unknown][] = [];
  const off = scope.services.events.on((topic, data) => events.push([topic, data]));
  const inputs = await setupInputs({
    log: (m) => scope.logs.push(m),
    events: scope.services.events,
    commands: scope.services.commands,
    frames: scope.services.engine,
    iceServers: [],
    hub,
    // Loopback only in tests: the answer names no other interface, so no packet leaves the machine.
    whip: { hostCandidates: ['127.0.0.1'], ...whip },
  });
  scope.services.engine.setInput(inputs.hub);
  await inputs.hub.start();
  const http = await startHttpServer(scope.services, {
    port: 0,
    host: '127.0.0.1',
    apiRoutes: [inputs.apiRoutes],
    rootRoutes: [inputs.rootRoutes],
  });
  return {
    url: `http://127.0.0.1:${http.port}`,
    hub: inputs.hub,
    whip: inputs.whip,
    scope,
    events,
    stop: async () => {
      await http.close();
      scope.services.engine.setInput(undefined);
      await inputs.close();
      off();
      await scope.stop();
    },
  };
}

/** Keeps only loopback ICE candidates of an SDP (tests never touch another interface). */
export function loopbackOnly(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') || l.split(' ')[4] === '127.0.0.1')
    .join('\r\n');
}

/**
 * The test pictures publishers send: left half `left`, right half `right` (RGB), and along the top an 8-bit
 * code of the frame number in 8 blocks of width/16 (white 1, black 0), which survives VP8 and H.264.
 */
export function codedPicture(width: number, height: number, n: number, left: number[], right: number[]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  const s = Math.floor(width / 16);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = y < s && x < 8 * s ? (n >> (7 - Math.floor(x / s))) & 1 : -1;
      const rgb = bit === 1 ? [255, 255, 255] : bit === 0 ? [0, 0, 0] : x < width / 2 ? left : right;
      data.set([rgb[0]!, rgb[1]!, rgb[2]!, 255], (y * width + x) * 4);
    }
  }
  return data;
}

/** Reads codedPicture's frame code back from a picture of the same layout (any size). */
export function readCode(image: Image): number {
  const s = image.width / 16;
  let n = 0;
  for (let i = 0; i < 8; i++) {
    const o = (Math.floor(s / 2) * image.width + Math.floor(i * s + s / 2)) * 4;
    n = (n << 1) | ((image.data[o]! + image.data[o + 1]! + image.data[o + 2]!) / 3 >= 128 ? 1 : 0);
  }
  return n;
}

/** Mean RGB of a 5x5 patch around (x, y). */
export function patch(image: Image, x: number, y: number): number[] {
  const sum = [0, 0, 0];
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) {
      const o = ((y + dy) * image.width + (x + dx)) * 4;
      for (let c = 0; c < 3; c++) sum[c]! += image.data[o + c]!;
    }
  }
  return sum.map((v) => Math.round(v / 25));
}
