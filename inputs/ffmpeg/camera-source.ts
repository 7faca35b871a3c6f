import { z } from 'zod';
import { ScopeError } from '../../src/kernel/errors';
import { cameraArgs } from './args';
import { defaultLimits } from './file-source';
import { FfmpegSource } from './ffmpeg-source';
import type { FfmpegLocator } from './ffmpeg-source';
import type { OutputLimits } from './args';

export const cameraOptionsSchema = z.strictObject({
  /** Asked of the camera; it may pick the nearest mode it has. 0 leaves it to the camera. */
  width: z.number().int().min(0).max(7680),
  height: z.number().int().min(0).max(4320),
  fps: z.number().min(0).max(240),
});
export type CameraOptions = z.infer<typeof cameraOptionsSchema>;

export const cameraDefaults: CameraOptions = { width: 0, height: 0, fps: 0 };

/**
 * Checks a camera name for the platform: a /dev/video node (or /dev/v4l/ link) on Linux, a device name or
 * index on macOS and Windows. Anything else is refused with a sentence.
 */
export function cameraDevice(device: string, platform: NodeJS.Platform = process.platform): string {
  const d = device.trim();
  if (platform === 'linux') {
    if (!/^\/dev\/(video\d{1,3}|v4l\/by-(id|path)\/[\w.:+-]{1,200})$/.test(d)) {
      throw new ScopeError('invalid_body', `a camera on Linux is /dev/videoN (or /dev/v4l/by-id/…), got "${device}"`);
    }
    return d;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (d === '' || d.length > 200 || /[\u0000-\u001f"]/.test(d)) {
    throw new ScopeError('invalid_body', `"${device}" is not a camera name`);
  }
  return d;
}

/** A camera through ffmpeg (v4l2, AVFoundation, DirectShow); unplugged, it is lost and tried again. */
export class CameraSource extends FfmpegSource<CameraOptions> {
  readonly kind = 'camera';
  readonly optionsSchema = cameraOptionsSchema.partial();

  constructor(
    id: string,
    readonly device: string,
    options: Partial<CameraOptions> = {},
    private readonly limits: OutputLimits = defaultLimits,
    locate?: FfmpegLocator,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    super(id, device, { ...cameraDefaults, ...options } satisfies CameraOptions, locate);
  }

  protected args(): string[] {
    const { width, height, fps } = this.o;
    const spec = { device: this.device, ...(width && height ? { width, height } : {}), ...(fps ? { fps } : {}) };
    return cameraArgs(spec, this.limits, this.platform);
  }

  protected ended() {
    return { reason: 'the camera stopped sending', retry: true };
  }

  override detail(): string {
    return this.device;
  }
}
