import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ScopeError } from '../../src/kernel/errors';
import { fileArgs } from './args';
import { FfmpegSource } from './ffmpeg-source';
import type { FfmpegLocator } from './ffmpeg-source';
import type { OutputLimits } from './args';

export const fileOptionsSchema = z.strictObject({
  /** Start again at the end (true) or hold the last frame (false). */
  loop: z.boolean(),
  /** Times the file's own pace: 0.5 is half speed. */
  speed: z.number().min(0.1).max(4),
});
export type FileOptions = z.infer<typeof fileOptionsSchema>;

export const fileDefaults: FileOptions = { loop: true, speed: 1 };

/** The decoded size is capped here: a 4K clip is scaled down by ffmpeg before it crosses the pipe. */
export const defaultLimits: OutputLimits = { maxWidth: 1920, maxHeight: 1080 };

/**
 * Checks that `path` names a regular file this process may read, before anything is started; the error says
 * what is wrong with it in words. Returns the absolute path.
 */
export async function readableFile(path: string): Promise<string> {
  if (!isAbsolute(path)) throw new ScopeError('invalid_body', `the file path must be absolute, got "${path}"`);
  const abs = resolve(path);
  let info;
  try {
    info = await stat(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new ScopeError('invalid_body', `cannot read ${abs}: ${why}`);
  }
  // Devices and pipes are refused: /dev/zero or a FIFO would feed ffmpeg forever or block it.
  if (!info.isFile()) throw new ScopeError('invalid_body', `cannot read ${abs}: not a regular file`);
  try {
    await access(abs, constants.R_OK);
  } catch {
    throw new ScopeError('invalid_body', `cannot read ${abs}: permission denied`);
  }
  return abs;
}

/** A video file played through ffmpeg, looped or once, at a chosen speed; restart plays it from the start. */
export class FileSource extends FfmpegSource<FileOptions> {
  readonly kind = 'file';
  readonly optionsSchema = fileOptionsSchema.partial();

  constructor(
    id: string,
    /** Absolute, checked with readableFile(). */
    readonly path: string,
    options: Partial<FileOptions> = {},
    private readonly limits: OutputLimits = defaultLimits,
    locate?: FfmpegLocator,
  ) {
    super(id, basename(path), { ...fileDefaults, ...options } satisfies FileOptions, locate);
  }

  protected args(): string[] {
    return fileArgs(this.path, { ...this.o, ...this.limits });
  }

  protected ended() {
    return this.o.loop
      ? { reason: 'ffmpeg stopped at the end of a looped file', retry: true }
      : { reason: 'the file ended (played once); restart it to play again', retry: false };
  }

  override detail(): string {
    return this.path;
  }
}
