/** The ffmpeg command line of a recording: raw RGBA frames on stdin, H.264 in fragmented MP4 out. */

export interface EncodeSettings {
  width: number;
  height: number;
  fps: number;
  /** x264 constant rate factor: 18 is visually lossless, 23 the default. */
  crf: number;
  preset: string;
  file: string;
}

/**
 * Fragmented MP4 (an empty moov up front, a fragment per keyframe, a keyframe every second): a file cut by a crash
 * or a pulled plug still plays up to its last complete fragment.
 */
export function recordingArgs(s: EncodeSettings): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    '-s',
    `${s.width}x${s.height}`,
    '-framerate',
    String(s.fps),
    '-i',
    'pipe:0',
    '-c:v',
    'libx264',
    '-preset',
    s.preset,
    '-crf',
    String(s.crf),
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(Math.max(1, Math.round(s.fps))),
    '-movflags',
    '+frag_keyframe+empty_moov+default_base_moof',
    // Each packet goes to disk as it is muxed, not when a 32 KiB buffer fills: what a crash leaves is complete.
    '-flush_packets',
    '1',
    '-f',
    'mp4',
    '-y',
    s.file,
  ];
}
