/**
 * A small stand-in for the Hugging Face Hub on 127.0.0.1 for tests: `/<repo>/resolve/<rev>/<file>` answers LFS
 * files with a redirect to a CDN (a second server, so another origin) carrying X-Linked-Etag and X-Linked-Size, and
 * the CDN serves bytes with Range support. Tests script failures: cut connections, ignored ranges, error statuses.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubFile {
  bytes: Buffer;
  /** Served through the CDN redirect with X-Linked-Etag (default true); false: served directly, no checksum. */
  lfs?: boolean;
  /** The sha256 announced in X-Linked-Etag; default the real one (a different one simulates corruption). */
  sha256?: string;
}

export interface HubRequest {
  server: 'hub' | 'cdn';
  path: string;
  range: string | null;
  authorization: string | null;
}

export class TestHub {
  readonly files = new Map<string, HubFile>();
  readonly requests: HubRequest[] = [];
  /** Resolve path (`/owner/name/resolve/rev/file`) -> status and X-Error-Code to answer with. */
  readonly errors = new Map<string, { status: number; code?: string }>();
  /** Path -> Location to answer with a 302 (relative or absolute). */
  readonly redirects = new Map<string, string>();
  /** Send only this many body bytes of the next CDN or direct answer, then drop the connection. */
  cutAfter: number | null = null;
  /** Send only this many body bytes of the next CDN or direct answer, then nothing more (a hung connection). */
  stallAfter: number | null = null;
  /** Answer Range requests with the whole file and status 200, as some proxies do. */
  ignoreRange = false;
  /** Cut the first transfer of each file after this many body bytes (a flaky network); later ones go through. */
  dropFirstOfEach: number | null = null;
  private dropped = new Set<string>();
  private hub: Server | undefined;
  private cdn: Server | undefined;
  endpoint = '';
  cdnOrigin = '';

  /** Adds a file at `repo`/`revision`/`file`; returns its real sha256. */
  add(repo: string, revision: string, file: string, content: HubFile): string {
    this.files.set(`/${repo}/resolve/${revision}/${file}`, content);
    return createHash('sha256').update(content.bytes).digest('hex');
  }

  async start(): Promise<this> {
    this.hub = await listen((req, res) => this.onHub(req, res));
    this.cdn = await listen((req, res) => this.onCdn(req, res));
    this.endpoint = `http://127.0.0.1:${(this.hub.address() as AddressInfo).port}`;
    this.cdnOrigin = `http://127.0.0.1:${(this.cdn.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of [this.hub, this.cdn]) {
      s?.closeAllConnections();
      await new Promise((resolve) => s?.close(resolve));
    }
  }

  private log(server: 'hub' | 'cdn', req: IncomingMessage): string {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    this.requests.push({
      server,
      path,
      range: req.headers.range ?? null,
      authorization: req.headers.authorization ?? null,
    });
    return path;
  }

  private onHub(req: IncomingMessage, res: ServerResponse): void {
    const path = this.log('hub', req);
    const redirect = this.redirects.get(path);
    if (redirect) return void res.writeHead(302, { location: redirect }).end();
    const error = this.errors.get(path);
    if (error) {
      const headers = error.code ? { 'x-error-code': error.code } : {};
      return void res.writeHead(error.status, headers).end(`error ${error.status}`);
    }
    const file = this.files.get(path);
    if (!file) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
    if (file.lfs === false) return this.serve(req, res, file.bytes);
    const sha = file.sha256 ?? createHash('sha256').update(file.bytes).digest('hex');
    res
      .writeHead(302, {
        location: `${this.cdnOrigin}/cdn${path}`,
        'x-linked-etag': `"${sha}"`,
        'x-linked-size': String(file.bytes.length),
        etag: '"0123456789abcdef0123456789abcdef01234567"',
      })
      .end();
  }

  private onCdn(req: IncomingMessage, res: ServerResponse): void {
    const path = this.log('cdn', req);
    const redirect = this.redirects.get(path);
    if (redirect) return void res.writeHead(302, { location: redirect }).end();
    const file = this.files.get(path.replace(/^\/cdn/, ''));
    if (!file) return void res.writeHead(404).end();
    if (this.dropFirstOfEach !== null && !this.dropped.has(path)) {
      this.dropped.add(path);
      this.cutAfter = this.dropFirstOfEach;
    }
    this.serve(req, res, file.bytes);
  }

  private serve(req: IncomingMessage, res: ServerResponse, bytes: Buffer): void {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (range && !this.ignoreRange) {
      start = Number(range[1]);
      if (start >= bytes.length) {
        return void res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      }
      res.writeHead(206, {
        'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
        'content-length': String(bytes.length - start),
      });
    } else {
      res.writeHead(200, { 'content-length': String(bytes.length), 'accept-ranges': 'bytes' });
    }
    const body = bytes.subarray(start);
    if (this.stallAfter !== null) {
      const stall = this.stallAfter;
      this.stallAfter = null;
      return void res.write(body.subarray(0, stall));
    }
    const cut = this.cutAfter;
    if (cut === null) return void res.end(body);
    this.cutAfter = null;
    // Half the file, then the connection dies as a lost Wi-Fi would end it: no clean end of the body.
    res.write(body.subarray(0, cut), () => res.socket?.destroy());
  }
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Deterministic bytes, different for every seed, so a test can compare a download with its source. */
export function testBytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed * 2654435761;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
