/** More helpers for the server's integration tests: decoded frames, MJPEG over time, clients that never read. */
import { connect } from 'node:net';
import sharp from 'sharp';
import { MultipartParser, waitFor } from './test-support';
import type { Socket } from 'node:net';
import type { MjpegPart, Rig } from './test-support';

/** A frame as a client sees it: the headers of GET /api/v1/frame and the JPEG decoded to raw RGB. */
export interface Grabbed {
  seq: number;
  pipeline: string;
  width: number;
  height: number;
  pixels: Buffer;
}

/** The newest frame from GET /api/v1/frame, decoded: from a server's URL, or from a rig (socket or app). */
export async function grab(from: string | Rig): Promise<Grabbed> {
  const res = typeof from === 'string' ? await fetch(`${from}/api/v1/frame`) : await from.request('/api/v1/frame');
  if (res.status !== 200) throw new Error(`GET /api/v1/frame answered ${res.status}: ${await res.text()}`);
  const jpeg = Buffer.from(await res.arrayBuffer());
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    seq: Number(res.headers.get('x-frame-seq')),
    pipeline: res.headers.get('x-pipeline') ?? '',
    width: info.width,
    height: info.height,
    pixels: data,
  };
}

/** Mean absolute difference per channel of two decoded frames of the same size (0 = identical). */
export function difference(a: Grabbed, b: Grabbed): number {
  if (a.pixels.length !== b.pixels.length) return Infinity;
  let sum = 0;
  for (let i = 0; i < a.pixels.length; i++) sum += Math.abs(a.pixels[i]! - b.pixels[i]!);
  return sum / a.pixels.length;
}

/** Mean of each RGB channel: a solid test frame decodes to (about) its colour. */
export function meanRgb(g: Grabbed): [number, number, number] {
  const sums = [0, 0, 0];
  for (let i = 0; i < g.pixels.length; i++) sums[i % 3]! += g.pixels[i]!;
  const n = g.pixels.length / 3;
  return [sums[0]! / n, sums[1]! / n, sums[2]! / n];
}

/**
 * Grabs frames until `check` holds for one and returns that one. On a rig it releases one frame at a time, at
 * most `limit` of them; on a URL (a server on the real-time clock) it polls for at most `limit` ms.
 */
export async function grabUntil(from: string | Rig, check: (g: Grabbed) => boolean, what: string, limit = 10_000) {
  if (typeof from !== 'string') {
    for (let i = 0; i <= limit; i++) {
      const g = await grab(from);
      if (check(g)) return g;
      await from.frames(1);
    }
    throw new Error(`no frame with ${what} in ${limit} frames`);
  }
  let last: Grabbed | undefined;
  await waitFor(
    async () => {
      last = await grab(from);
      return check(last);
    },
    limit,
    what,
  );
  return last!;
}

/**
 * Waits until the picture holds still: two frames a second apart (30 frames) are pixel-identical. Two frames in
 * a row are not enough, a slow fade (smoothing) changes less than one level per frame yet keeps changing.
 */
export async function stillFrame(rig: Rig, spanFrames = 30, limitFrames = 900): Promise<Grabbed> {
  let prev = await grab(rig);
  for (let frames = 0; frames < limitFrames; frames += spanFrames) {
    await rig.frames(spanFrames);
    const next = await grab(rig);
    if (next.seq > prev.seq && difference(next, prev) === 0) return next;
    prev = next;
  }
  throw new Error(`the picture did not hold still in ${limitFrames} frames`);
}

/** Within a few levels: JPEG moves flat colours by one or two. */
export const near = (value: number, target: number, tolerance = 4) => Math.abs(value - target) <= tolerance;

/** A raw TCP client that asks for `path` and never reads a byte of the answer. */
export async function stalledClient(url: string, path = '/api/v1/stream.mjpeg'): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => {}); // cut by the server on stop: expected
  socket.pause();
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
  return socket;
}

/** An MJPEG client that keeps every part it receives and can wait for the part of a given frame. */
export class MjpegClient {
  readonly parts: MjpegPart[] = [];
  private waiters: { seq: number; resolve: () => void }[] = [];
  /** The server ended the stream (or it was cancelled). */
  ended = false;

  private constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Opens `url` (an MJPEG stream) and starts reading. */
  static async open(url: string): Promise<MjpegClient> {
    const res = await fetch(url);
    const boundary = /boundary=([^;]+)/.exec(res.headers.get('content-type') ?? '')?.[1];
    if (!res.ok || !boundary || !res.body) throw new Error(`not an MJPEG response: ${res.status}`);
    const client = new MjpegClient(res.body.getReader());
    void client.read(new MultipartParser(boundary));
    return client;
  }

  /** Resolves once a part of frame `seq` or a later one has arrived. */
  until(seq: number): Promise<void> {
    if (this.ended || this.parts.some((p) => p.seq >= seq)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  async close(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }

  private async read(parser: MultipartParser): Promise<void> {
    try {
      for (;;) {
        const chunk = await this.reader.read();
        if (chunk.done) break;
        for (const part of parser.push(chunk.value)) this.parts.push(part);
        const newest = this.parts.at(-1)?.seq ?? -1;
        for (const w of this.waiters.filter((w) => w.seq <= newest)) w.resolve();
        this.waiters = this.waiters.filter((w) => w.seq > newest);
      }
    } catch {
      // Cancelled or cut: the stream has ended.
    }
    this.ended = true;
    for (const w of this.waiters.splice(0)) w.resolve();
  }
}

/**
 * Releases `n` frames on the rig's clock, each once `client` has the part of the one before: one part per frame,
 * the stream's pace set by the frames, not by the wall clock. `each` runs after every frame (status polls).
 */
export async function streamFrames(
  rig: Rig,
  client: MjpegClient,
  n: number,
  each: () => Promise<void> | void = () => {},
): Promise<MjpegPart[]> {
  const from = client.parts.length;
  for (let i = 0; i < n; i++) {
    const [frame] = await rig.frames(1);
    await client.until(frame!.seq);
    await each();
  }
  return client.parts.slice(from);
}
