/** Helpers for the outputs' integration tests: a real server with the output hub wired in, as main.ts will. */
import { startHttpServer } from '../src/server/http';
import { startTestScope } from '../src/server/test-support';
import { OutputHub } from './hub';
import { outputRoutes } from './routes';
import { WhepOutput } from './webrtc/whep-output';
import { whepRoutes } from './webrtc/routes';
import { blockSize, FRAME_CODE_BITS } from '../pipelines/test-pattern/frame-code';
import type { Image } from '../src/engine/frame';
import type { ScopeOptions } from '../src/main';
import type { Output } from './output';
import type { WhepLimits, WhepOptions } from './webrtc/whep-output';

export interface OutputTestScope {
  url: string;
  hub: OutputHub;
  webrtc: WhepOutput;
  scope: Awaited<ReturnType<typeof startTestScope>>;
  events: unknown[][];
  stop(): Promise<void>;
}

/**
 * startTestScope (no OSC) plus a second real HTTP server over the same services that mounts the hub's routes
 * and the WHEP routes exactly as the lead will in main.ts (apiRoutes under /api/v1, rootRoutes at /).
 */
export async function startOutputScope(
  options: Partial<ScopeOptions> = {},
  extra: { whep?: Partial<WhepOptions>; whepLimits?: Partial<WhepLimits>; outputs?: Output[] } = {},
): Promise<OutputTestScope> {
  const scope = await startTestScope({ oscPort: null, oscQueryPort: null, ...options });
  const events: unknown[][] = [];
  const hub = new OutputHub({
    log: (m) => scope.logs.push(m),
    events: { emit: (topic, data) => events.push([topic, data]) },
    fps: () => scope.services.engine.fps,
  });
  // Loopback only in tests: the answer names no other interface, so no packet leaves the machine.
  const webrtc = new WhepOutput('webrtc', { hostCandidates: ['127.0.0.1'], ...extra.whep }, '', extra.whepLimits);
  hub.add(webrtc, true);
  for (const output of extra.outputs ?? []) hub.add(output, true);
  await hub.start(scope.services.engine);
  const http = await startHttpServer(scope.services, {
    port: 0,
    host: '127.0.0.1',
    apiRoutes: [outputRoutes(hub)],
    rootRoutes: [whepRoutes(webrtc)],
  });
  return {
    url: `http://127.0.0.1:${http.port}`,
    hub,
    webrtc,
    scope,
    events,
    stop: async () => {
      await http.close();
      await hub.stop();
      await scope.stop();
    },
  };
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
