/**
 * Reference images (the picture an IP-Adapter steers the diffusion towards): files in `<models>/references/`,
 * named by their file name alone. An upload is decoded before it is kept, so the folder holds only pictures that
 * decode; a pipeline reads one back already scaled to the image encoder's input.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { writeFileAtomic } from '../files';

/** The largest upload taken (a phone photo as JPEG is a few MB). */
export const MAX_REFERENCE_BYTES = 16 * 1024 * 1024;
/** Decoding stops above this many pixels (a 64-megapixel picture), so a crafted file cannot exhaust memory. */
const MAX_PIXELS = 64 * 1024 * 1024;
const EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'] as const;

/** A reference's name: a plain file name with an image extension, no folders, nothing hidden. */
export const referenceNameSchema = z
  .string()
  .min(1)
  .max(120)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*\.(png|jpe?g|webp)$/i,
    'a reference is a file name such as sunset.png (letters, digits, space, . _ -; png, jpg or webp)',
  );

/** The folder of the reference images under a models folder. */
export const referencesDir = (models: string) => join(models, 'references');

/** Why a name is not a reference name, or undefined when it is one. */
export function badReferenceName(name: string): string | undefined {
  const parsed = referenceNameSchema.safeParse(name);
  return parsed.success
    ? undefined
    : `"${name.slice(0, 60)}" is not a reference name: ${parsed.error.issues[0]!.message}`;
}

/** RGB pixels, 3 bytes each, row by row. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decodes an image file and scales it as CLIP's processor does (shortest side to `size`, centre crop), without its
 * alpha; throws a sentence when the bytes are not a picture it reads.
 */
export async function decodeReference(bytes: Uint8Array, size = 224): Promise<RgbImage> {
  if (bytes.length > MAX_REFERENCE_BYTES) {
    throw new Error(`the image is ${bytes.length} bytes; the limit is ${MAX_REFERENCE_BYTES}`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .resize(size, size, { fit: 'cover', position: 'centre' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (err) {
    throw new Error(`not an image this server decodes (PNG, JPEG or WebP): ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Reads and decodes `<dir>/<name>`; throws a sentence (bad name, no such file, not an image). */
export async function readReference(dir: string, name: string, size = 224): Promise<RgbImage> {
  const bad = badReferenceName(name);
  if (bad) throw new Error(bad);
  const path = join(dir, name);
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) throw new Error(`no reference image "${name}" in ${dir}`);
  if (found.size > MAX_REFERENCE_BYTES) throw new Error(`reference "${name}" is over ${MAX_REFERENCE_BYTES} bytes`);
  try {
    return await decodeReference(await readFile(path), size);
  } catch (err) {
    throw new Error(`reference "${name}" is ${(err as Error).message}`, { cause: err });
  }
}

/** Checks that the bytes decode, then keeps them as `<dir>/<name>` (atomically: a reader never sees half). */
export async function saveReference(dir: string, name: string, bytes: Uint8Array): Promise<RgbImage> {
  const bad = badReferenceName(name);
  if (bad) throw new Error(bad);
  const image = await decodeReference(bytes);
  await writeFileAtomic(join(dir, name), bytes);
  return image;
}

/** The reference images in the folder, by name. */
export async function listReferences(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const image = new RegExp(`\\.(${EXTENSIONS.join('|')})$`, 'i');
  return names.filter((n) => image.test(n) && badReferenceName(n) === undefined).sort();
}
