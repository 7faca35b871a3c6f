import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listDevicesArgs } from './args';

export interface CameraDevice {
  /** What POST /api/v1/inputs takes as `device`. */
  device: string;
  name: string;
}

/** Cameras on this machine: /sys/class/video4linux on Linux, ffmpeg's own listing on macOS and Windows. */
export async function listCameras(
  ffmpeg: string | undefined,
  platform: NodeJS.Platform = process.platform,
  sysfs = '/sys/class/video4linux',
): Promise<CameraDevice[]> {
  if (platform === 'linux') return v4l2Devices(sysfs);
  const args = listDevicesArgs(platform);
  if (!ffmpeg || !args) return [];
  // ffmpeg lists devices on stderr and then fails to open the dummy input: the exit status means nothing here.
  const stderr = await new Promise<string>((resolve) =>
    execFile(ffmpeg, args, { timeout: 10_000 }, (_err, _out, err) => resolve(String(err))),
  );
  return platform === 'darwin' ? parseAvfoundation(stderr) : parseDshow(stderr);
}

async function v4l2Devices(sysfs: string): Promise<CameraDevice[]> {
  let entries: string[];
  try {
    entries = (await readdir(sysfs)).filter((e) => /^video\d+$/.test(e));
  } catch {
    return [];
  }
  const out: CameraDevice[] = [];
  for (const e of entries.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))) {
    const name = await readFile(join(sysfs, e, 'name'), 'utf8').catch(() => e);
    out.push({ device: `/dev/${e}`, name: name.trim() });
  }
  return out;
}

/** `[AVFoundation indev @ 0x…] [0] FaceTime HD Camera` lines between the video and audio headings. */
export function parseAvfoundation(stderr: string): CameraDevice[] {
  const out: CameraDevice[] = [];
  let video = false;
  for (const line of stderr.split('\n')) {
    if (/AVFoundation video devices/.test(line)) video = true;
    else if (/AVFoundation audio devices/.test(line)) video = false;
    else if (video) {
      const m = /\]\s*\[(\d+)\]\s*(.+)$/.exec(line);
      if (m) out.push({ device: m[2]!.trim(), name: m[2]!.trim() });
    }
  }
  return out;
}

/** `[dshow @ …] "Integrated Camera" (video)` lines. */
export function parseDshow(stderr: string): CameraDevice[] {
  const out: CameraDevice[] = [];
  for (const line of stderr.split('\n')) {
    const m = /"([^"]+)"\s*\(video\)/.exec(line);
    if (m) out.push({ device: m[1]!, name: m[1]! });
  }
  return out;
}
