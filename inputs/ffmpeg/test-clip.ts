/** A video file made for the tests by the real ffmpeg: left half red, right half blue, green counting frames (8 a frame), so two frames always differ. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface ClipOptions {
  width: number;
  height: number;
  fps: number;
  seconds: number;
}

/** Writes `name` (MPEG-4 part 2, ffmpeg's own encoder, in .mkv) into `dir`; returns its path. */
export function makeClip(dir: string, name: string, o: Partial<ClipOptions> = {}): string {
  const { width, height, fps, seconds } = { width: 160, height: 120, fps: 25, seconds: 2, ...o };
  const path = join(dir, name);
  const source = `nullsrc=s=${width}x${height}:r=${fps},format=rgb24,geq=r='if(lt(X,W/2),255,0)':g='mod(N*8,256)':b='if(lt(X,W/2),0,255)'`;
  const run = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source, '-t', String(seconds)].concat([
      '-c:v',
      'mpeg4',
      '-q:v',
      '2',
      '-pix_fmt',
      'yuv420p',
      path,
    ]),
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`ffmpeg could not make the test clip: ${run.stderr || run.error?.message}`);
  return path;
}
