/**
 * A VP8 RTP receiver for tests and the bench: ffmpeg decodes an RTP stream (payload type 96) arriving on a
 * loopback UDP port and hands each decoded picture over as RGBA, once, when it is decoded.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { stopChild } from '../../src/server/test-support';
import { locateFfmpeg } from '../../src/media/ffmpeg-locate';
import type { Image } from '../../src/engine/frame';

export interface RtpSubscriber {
  /** The newest decoded frames (at most 300), each with when it came out of ffmpeg. */
  frames: { image: Image; at: number }[];
  /** Frames decoded since the start (`frames` keeps only the newest). */
  decoded(): number;
  /** ffmpeg's last warnings and errors. */
  errors(): string;
  /** Resolves once ffmpeg listens on the port (packets sent before that are lost). */
  listening(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Decoded frames of an RTP (VP8, payload type 96) stream on 127.0.0.1:`port`, scaled to `width`x`height`. */
export function ffmpegSubscriber(port: number, width: number, height: number): RtpSubscriber {
  const sdp = `v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=scope\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video ${port} RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n`;
  const args = ['-hide_banner', '-loglevel', 'warning', '-protocol_whitelist', 'pipe,udp,rtp', '-fflags', 'nobuffer'];
  args.push('-flags', 'low_delay', '-reorder_queue_size', '0', '-f', 'sdp', '-i', 'pipe:0');
  // Each decoded picture once. Left to itself, ffmpeg writes rawvideo at a constant rate: the rate it guesses from
  // the first frames' timestamps, filled with copies of the last picture. An SDP names no rate, and when the
  // first frames come unevenly (a sender whose loop runs late) the guess fails and becomes the 90 kHz RTP clock:
  // about 3,000 copies of each picture, more than the pipe carries, so the reader sees one picture for ever.
  args.push('-fps_mode', 'passthrough');
  args.push('-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1');
  const ffmpeg = locateFfmpeg();
  // No ffmpeg fails the test with the reason (CI installs it): a skip would hide it.
  if (!('path' in ffmpeg)) throw new Error(`ffmpegSubscriber: ${ffmpeg.reason}`);
  const child = spawn(ffmpeg.path, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(sdp);
  const size = width * height * 4;
  const frames: { image: Image; at: number }[] = [];
  let decoded = 0;
  let pending = Buffer.alloc(0);
  child.stdout.on('data', (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    while (pending.length >= size) {
      const data = new Uint8Array(pending.subarray(0, size));
      pending = pending.subarray(size);
      frames.push({ image: { width, height, data }, at: performance.now() });
      decoded++;
      if (frames.length > 300) frames.shift();
    }
  });
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors = (errors + d.toString()).slice(-2000)));
  return {
    frames,
    decoded: () => decoded,
    errors: () => errors,
    listening: (timeoutMs = 10_000) => udpBound(port, timeoutMs, () => errors),
    stop: () => stopChild(child),
  };
}

/**
 * Resolves once a socket is bound to UDP `port`, on loopback or every address (Linux's socket table: ffmpeg says
 * nothing when it listens). Polled, since nothing announces a bind.
 */
async function udpBound(port: number, timeoutMs: number, said: () => string): Promise<void> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  // ffmpeg binds the wildcard address for a unicast SDP; loopback counts too.
  const bound = new Set([`0100007F:${hex}`, `00000000:${hex}`]);
  const end = performance.now() + timeoutMs;
  for (;;) {
    const table = await readFile('/proc/net/udp', 'utf8');
    if (table.split('\n').some((line) => bound.has(line.trim().split(/\s+/)[1] ?? ''))) return;
    if (performance.now() > end) {
      throw new Error(`ffmpeg did not listen on udp 127.0.0.1:${port} within ${timeoutMs} ms; it said: ${said()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
