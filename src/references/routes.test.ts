import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Hono } from 'hono';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withErrorAnswers } from '../server/app';
import { readReference, referencesDir } from './reference-images';
import { referenceRoutes } from './routes';

let root: string;
let dir: string;
let app: Hono;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'reference-routes-'));
  dir = referencesDir(root);
  app = withErrorAnswers(new Hono());
  app.route('/api/v1', referenceRoutes(dir));
});
afterEach(() => rm(root, { recursive: true, force: true }));

const png = (r: number, g: number, b: number, width = 320, height = 240) =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

const put = async (name: string, body: Uint8Array | string) => {
  const res = await app.request(`/api/v1/references/${encodeURIComponent(name)}`, {
    method: 'PUT',
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const json = (await res.json()) as { error?: { message: string } } & Record<string, unknown>;
  return { status: res.status, body: json.error ?? json };
};

describe('reference image routes', () => {
  it('keeps an uploaded picture, lists it, and reads it back at the encoder’s 224×224', async () => {
    const saved = await put('sunset.png', await png(250, 120, 30));
    expect(saved).toEqual({ status: 201, body: { name: 'sunset.png', width: 224, height: 224 } });
    const list = await (await app.request('/api/v1/references')).json();
    expect(list).toEqual({ dir, references: ['sunset.png'] });
    const image = await readReference(dir, 'sunset.png');
    expect([image.width, image.height, image.data.length]).toEqual([224, 224, 224 * 224 * 3]);
    expect([...image.data.slice(0, 3)]).toEqual([250, 120, 30]);
    const file = await app.request('/api/v1/references/sunset.png');
    expect(file.headers.get('content-type')).toBe('image/png');
    expect((await sharp(Buffer.from(await file.arrayBuffer())).metadata()).width).toBe(320);
    expect((await app.request('/api/v1/references/other.png')).status).toBe(404);
  });

  it('refuses bytes that are not an image with a sentence, and leaves the folder as it was', async () => {
    await put('keep.png', await png(10, 20, 30));
    const before = await readFile(join(dir, 'keep.png'));
    const refused = await put('keep.png', 'GIF89a but not really an image');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/reference "keep\.png" refused: not an image this server decodes/);
    expect(await readFile(join(dir, 'keep.png'))).toEqual(before);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a truncated PNG (its header decodes, its pixels do not)', async () => {
    const whole = await png(200, 0, 0, 640, 480);
    const refused = await put('cut.png', whole.subarray(0, Math.floor(whole.length / 2)));
    expect(refused.status).toBe(400);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('refuses a picture whose header claims more than 64 megapixels, before decoding any (a decompression bomb)', async () => {
    // A real 1×1 PNG whose IHDR says 10000×10000 (under sharp's own limit, over this server's), its checksum made again.
    const bytes = Buffer.from(await png(9, 9, 9, 1, 1));
    bytes.writeUInt32BE(10000, 16);
    bytes.writeUInt32BE(10000, 20);
    bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
    const refused = await put('bomb.png', bytes);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/reference "bomb\.png" refused: .*pixel limit/);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it.each([
    ['a path', '../escape.png'],
    ['no image extension', 'notes.txt'],
    ['a hidden file', '.hidden.png'],
  ])('refuses %s as a name', async (_what, name) => {
    const refused = await put(name, await png(1, 2, 3));
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/reference name/);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('refuses an empty body and deletes what it keeps', async () => {
    expect((await put('empty.png', new Uint8Array(0))).body.message).toMatch(/the body is empty/);
    await put('gone.png', await png(5, 5, 5));
    expect((await app.request('/api/v1/references/gone.png', { method: 'DELETE' })).status).toBe(204);
    expect((await app.request('/api/v1/references/gone.png', { method: 'DELETE' })).status).toBe(404);
    await expect(readReference(dir, 'gone.png')).rejects.toThrow(/no reference image "gone.png"/);
  });
});
