/** A server whose selected input is a fake camera, and a wait for the frames the engine makes from it. */
import { waitFor } from '../src/server/test-support';
import { FakeSource } from './test-source';
import { startInputScope } from './test-support';
import type { Frame } from '../src/engine/frame';
import type { ScopeOptions } from '../src/main';
import type { InputTestScope } from './test-support';

export interface CameraTestScope extends InputTestScope {
  /**
   * Sends the camera's flat frame of red `level` until a published frame satisfies `check`. A wall-clock wait:
   * the engine here renders on its own timer, fed by a real input hub.
   */
  until(check: (f: Frame) => boolean, what: string, level?: number): Promise<Frame>;
}

/** startInputScope with a fake camera added and selected; frames at 64×64 as the camera sends them. */
export async function startCameraScope(options: Partial<ScopeOptions>): Promise<CameraTestScope> {
  const t = await startInputScope(options);
  let frames: Frame[] = [];
  t.scope.services.engine.onFrame((f) => frames.push(f));
  const cam = new FakeSource('cam');
  await t.hub.add(cam, true);
  t.hub.select('cam');
  const until = async (check: (f: Frame) => boolean, what: string, level = 90): Promise<Frame> => {
    let found: Frame | undefined;
    await waitFor(
      () => {
        cam.send(64, 64, level);
        found = frames.find(check);
        frames = [];
        return found !== undefined;
      },
      // Generous: the tiny diffusion graphs take a while on a busy two-core machine.
      30_000,
      what,
    );
    return found!;
  };
  return { ...t, until };
}
