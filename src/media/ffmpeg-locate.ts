/** Finding ffmpeg once for every part that runs it (file and camera inputs, the recorder). */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Where ffmpeg is, or a sentence saying why there is none. */
export type FfmpegLocation = { path: string } | { reason: string };

const INSTALL = 'install it (apt install ffmpeg, brew install ffmpeg, winget install ffmpeg) or set FFMPEG_PATH';

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A given ffmpeg (a setting, a test's stand-in): there when it is an executable file. */
export function ffmpegAt(path: string): FfmpegLocation {
  return executable(path) ? { path } : { reason: `no ffmpeg at "${path}" (not an executable file); ${INSTALL}` };
}

/** FFMPEG_PATH when set (it must then be an executable file), else the first ffmpeg on PATH. */
export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env, platform = process.platform): FfmpegLocation {
  const given = env.FFMPEG_PATH;
  if (given) {
    if (!isAbsolute(given)) return { reason: `FFMPEG_PATH must be an absolute path, got "${given}"` };
    return executable(given) ? { path: given } : { reason: `FFMPEG_PATH=${given} is not an executable file` };
  }
  const names = platform === 'win32' ? ['ffmpeg.exe'] : ['ffmpeg'];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) if (executable(join(dir, name))) return { path: join(dir, name) };
  }
  return { reason: `no ffmpeg on PATH; ${INSTALL}` };
}
