import { startScope } from '../src/main';
import type { Scope } from '../src/main';

/** A quiet server on an ephemeral port with the real-time clock, started once its pipeline has loaded. */
export function liveScope(o: { pipeline: string; width: number; height: number; fps: number }): Promise<Scope> {
  return startScope({
    port: 0,
    pipeline: o.pipeline,
    width: o.width,
    height: o.height,
    fps: o.fps,
    waitForLoad: true,
    midi: false,
    log: () => {},
  });
}
