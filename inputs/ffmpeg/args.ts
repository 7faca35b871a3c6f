/** ffmpeg command lines for the inputs: a file or a camera in, PAM frames of at most maxWidth x maxHeight out. */

export interface OutputLimits {
  maxWidth: number;
  maxHeight: number;
}

const head = ['-hide_banner', '-loglevel', 'error', '-nostats'];

/** Decoded frames out as RGBA PAM on stdout, scaled down (never up) to fit the limits, aspect kept; no audio. */
function pamOut({ maxWidth, maxHeight }: OutputLimits): string[] {
  const fit = `scale=w='min(iw,${maxWidth})':h='min(ih,${maxHeight})':force_original_aspect_ratio=decrease`;
  return ['-an', '-sn', '-dn', '-vf', fit, '-pix_fmt', 'rgba', '-c:v', 'pam', '-f', 'image2pipe', 'pipe:1'];
}

/**
 * A video file at `speed` times its own pace, looped or once. The path goes through ffmpeg's `file:` protocol
 * only, so a "path" can never make it open a URL or another protocol.
 */
export function fileArgs(path: string, o: { loop: boolean; speed: number } & OutputLimits): string[] {
  // -re paces reading at the file's own rate; -readrate (ffmpeg 5+) at any multiple of it.
  const pace = o.speed === 1 ? ['-re'] : ['-readrate', String(o.speed)];
  return [
    ...head,
    '-protocol_whitelist',
    'file',
    ...(o.loop ? ['-stream_loop', '-1'] : []),
    ...pace,
    '-i',
    `file:${path}`,
    ...pamOut(o),
  ];
}

export interface CameraSpec {
  /** /dev/videoN on Linux; the device's name (or index) on macOS and Windows. */
  device: string;
  width?: number;
  height?: number;
  fps?: number;
}

/** A camera through v4l2 (Linux), AVFoundation (macOS) or DirectShow (Windows): the same path, three demuxers. */
export function cameraArgs(c: CameraSpec, o: OutputLimits, platform: NodeJS.Platform = process.platform): string[] {
  const size = c.width && c.height ? ['-video_size', `${c.width}x${c.height}`] : [];
  const rate = c.fps ? ['-framerate', String(c.fps)] : [];
  const input =
    platform === 'darwin'
      ? ['-f', 'avfoundation', ...rate, ...size, '-i', `${c.device}:none`]
      : platform === 'win32'
        ? ['-f', 'dshow', ...rate, ...size, '-i', `video=${c.device}`]
        : ['-f', 'v4l2', ...rate, ...size, '-i', c.device];
  return [...head, ...input, ...pamOut(o)];
}

/** The command that makes ffmpeg list the cameras it can open (macOS and Windows; Linux reads /sys instead). */
export function listDevicesArgs(platform: NodeJS.Platform = process.platform): string[] | undefined {
  if (platform === 'darwin') return ['-hide_banner', '-f', 'avfoundation', '-list_devices', 'true', '-i', ''];
  if (platform === 'win32') return ['-hide_banner', '-list_devices', 'true', '-f', 'dshow', '-i', 'dummy'];
  return undefined;
}
