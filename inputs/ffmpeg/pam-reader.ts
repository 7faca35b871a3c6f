/**
 * Reads a stream of PAM images (netpbm's P7: a text header naming WIDTH, HEIGHT, DEPTH, MAXVAL, then raw
 * samples), which ffmpeg writes with `-c:v pam -f image2pipe`. Every frame carries its own size, so a stream
 * whose size changes midway (a camera switching modes, concatenated clips) needs nothing else.
 */
export interface PamFrame {
  width: number;
  height: number;
  /** Samples per pixel: 4 for RGBA, 3 for RGB. */
  depth: number;
  data: Uint8Array;
}

const END = 'ENDHDR\n';
/** A PAM header from ffmpeg is under 100 bytes; anything far longer is not PAM. */
const MAX_HEADER = 1024;
const MAX_SIDE = 16_384;

export class PamReader {
  private header = '';
  private body: { frame: PamFrame; filled: number } | undefined;

  /** Takes the next bytes of the stream; returns the frames they complete. Throws on a malformed header. */
  push(chunk: Uint8Array): PamFrame[] {
    const frames: PamFrame[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.body) {
        const { frame } = this.body;
        const n = Math.min(chunk.length - at, frame.data.length - this.body.filled);
        frame.data.set(chunk.subarray(at, at + n), this.body.filled);
        this.body.filled += n;
        at += n;
        if (this.body.filled === frame.data.length) {
          frames.push(frame);
          this.body = undefined;
        }
        continue;
      }
      // Header bytes are ASCII: latin1 keeps one character per byte, so positions map back to the chunk.
      const text = Buffer.from(chunk.buffer, chunk.byteOffset + at, chunk.length - at).toString('latin1');
      const end = (this.header + text).indexOf(END);
      if (end < 0) {
        this.header += text;
        if (this.header.length > MAX_HEADER) throw new Error('not a PAM stream (no ENDHDR in the first 1 kB)');
        break;
      }
      const used = end + END.length - this.header.length;
      const header = (this.header + text).slice(0, end);
      this.header = '';
      at += used;
      this.body = { frame: parseHeader(header), filled: 0 };
    }
    return frames;
  }
}

function parseHeader(header: string): PamFrame {
  const lines = header.split('\n').map((l) => l.trim());
  if (lines[0] !== 'P7') throw new Error(`not a PAM frame (starts with "${lines[0]?.slice(0, 8)}")`);
  const fields = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.indexOf(' ');
    fields.set(space < 0 ? line : line.slice(0, space), space < 0 ? '' : line.slice(space + 1).trim());
  }
  const num = (key: string, max: number) => {
    const v = Number(fields.get(key));
    if (!Number.isInteger(v) || v < 1 || v > max)
      throw new Error(`PAM ${key} "${fields.get(key)}" is not in 1..${max}`);
    return v;
  };
  const width = num('WIDTH', MAX_SIDE);
  const height = num('HEIGHT', MAX_SIDE);
  const depth = num('DEPTH', 4);
  if (num('MAXVAL', 65_535) !== 255) throw new Error('PAM with more than 8 bits per sample is not read here');
  return { width, height, depth, data: new Uint8Array(width * height * depth) };
}
