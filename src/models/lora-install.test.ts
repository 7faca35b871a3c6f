import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withErrorAnswers } from '../server/app';
import { writeSafetensors } from '../runtime/lora/test-safetensors';
import { listLoras } from '../runtime/lora/lora-folder';
import { LoraInstaller } from './lora-install';
import { loraRoutes } from './lora-routes';

const lora = writeSafetensors({
  'lora_unet_mid_block_attentions_0_to_k.lora_down.weight': {
    dims: [2, 32768],
    data: new Float32Array(65536).fill(0.5),
  },
  'lora_unet_mid_block_attentions_0_to_k.lora_up.weight': { dims: [32768, 2], data: new Float32Array(65536).fill(-1) },
});
const junk = new TextEncoder().encode('<html>not found</html>');

/** What the local server was asked, per path: the Range and Authorization headers of each request. */
const seen: { path: string; range?: string; auth?: string }[] = [];
let dropFirst = true;
/** Where the flaky answer breaks off: past the first reads, as a real dropped transfer does. */
const CUT = 120_000;
let server: Server;
let base: string;

function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '';
  seen.push({
    path,
    ...(req.headers.range ? { range: req.headers.range } : {}),
    ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
  });
  if (path.includes('huge')) {
    // Says it is 3 GB and sends nothing: the size alone must refuse it.
    res.writeHead(200, { 'content-length': 3_000_000_000 });
    res.flushHeaders();
    req.on('close', () => res.destroy());
    return;
  }
  const body = path.includes('junk') ? junk : lora;
  const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
  if (from > 0) {
    res.writeHead(206, {
      'content-range': `bytes ${from}-${body.length - 1}/${body.length}`,
      'content-length': body.length - from,
    });
    res.end(body.subarray(from));
    return;
  }
  res.writeHead(200, { 'content-length': body.length });
  if (path.startsWith('/flaky/') && dropFirst) {
    // Half the file, then the connection dies: the part on disk is what a resume starts from.
    dropFirst = false;
    res.write(body.subarray(0, CUT), () => res.socket?.destroy());
    return;
  }
  res.end(body);
}

let root: string;
let installer: LoraInstaller;
let app: Hono;

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

async function fresh(): Promise<void> {
  root = await mkdtemp(join(tmpdir(), 'lora-install-'));
  // A Hub token in the environment must never reach another host.
  installer = new LoraInstaller({ root, env: { HF_TOKEN: 'hf_secret' } });
  app = withErrorAnswers(new Hono());
  app.route('/api/v1', loraRoutes(installer));
}
afterEach(async () => {
  installer.close();
  await rm(root, { recursive: true, force: true });
  seen.length = 0;
});

const post = (body: unknown) =>
  app.request('/api/v1/loras', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
const list = async () => (await (await app.request('/api/v1/loras')).json()) as ReturnType<LoraInstaller['list']>;

describe('LoRA install by URL', () => {
  it('downloads a .safetensors LoRA into the folder, where it becomes a choice; the Hub token stays home', async () => {
    await fresh();
    const res = await post({ url: `${base}/files/detail.safetensors?token=abc` });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ name: 'detail', state: 'downloading', joined: false });
    await installer.settled();
    const after = await list();
    expect(after.loras).toEqual([{ name: 'detail', bytes: lora.length }]);
    expect(after.installs[0]).toMatchObject({ name: 'detail', state: 'ready', bytes: lora.length, error: null });
    // The query (which may carry a token) is not shown back.
    expect(after.installs[0]!.from).toBe(`${base}/files/detail.safetensors`);
    expect(seen.every((s) => s.auth === undefined)).toBe(true);
    expect(listLoras(root).map((e) => e.name)).toEqual(['detail']);
    // Asked again: it is there.
    expect((await post({ url: `${base}/files/detail.safetensors` })).status).toBe(200);
  });

  it('resumes a dropped download where it stopped, and checks the sha256 given', async () => {
    await fresh();
    const sha256 = createHash('sha256').update(lora).digest('hex');
    await post({ url: `${base}/flaky/style.safetensors`, sha256 });
    await installer.settled();
    const failed = (await list()).installs[0]!;
    expect(failed.state).toBe('error');
    expect(failed.error).toMatch(/stopped after [\d.]+ kB of [\d.]+ kB .*The partial file is kept/);
    expect(listLoras(root)).toEqual([]);
    await post({ url: `${base}/flaky/style.safetensors`, sha256 });
    await installer.settled();
    expect((await list()).installs[0]).toMatchObject({ state: 'ready', error: null });
    expect(Number(/^bytes=(\d+)-$/.exec(seen.at(-1)!.range ?? '')?.[1])).toBeGreaterThan(0);
    expect(listLoras(root).map((e) => e.bytes)).toEqual([lora.length]);
  });

  it('refuses a wrong sha256, a file that is not a LoRA, and a pickled checkpoint, leaving the folder as it was', async () => {
    await fresh();
    await post({ url: `${base}/a/wrong.safetensors`, sha256: '0'.repeat(64) });
    await post({ url: `${base}/junk.safetensors` });
    await post({ url: `${base}/huge.safetensors` });
    await installer.settled();
    const { installs } = await list();
    expect(installs.find((i) => i.name === 'wrong')!.error).toMatch(/is corrupt: its sha256 is/);
    expect(installs.find((i) => i.name === 'huge')!.error).toMatch(/huge\.safetensors is 3[.0]* GB: more than a LoRA/);
    expect(installs.find((i) => i.name === 'junk')!.error).toMatch(
      /junk\.safetensors is not a usable LoRA: not a safetensors file/,
    );

    const ckpt = await post({ url: `${base}/models/thing.ckpt` });
    expect(ckpt.status).toBe(400);
    expect(((await ckpt.json()) as { error: { message: string } }).error.message).toMatch(
      /thing\.ckpt is a pickled checkpoint: only \.safetensors LoRAs are installed/,
    );
    const unnamed = await post({ url: `${base}/api/download/123` });
    expect(unnamed.status).toBe(400);
    const badName = await post({ url: `${base}/x.safetensors`, name: '../escape' });
    expect(((await badName.json()) as { error: { message: string } }).error.message).toMatch(/is not a LoRA name/);
    // A stray % in the address is a mistyped URL, answered as one (not a server error).
    const stray = await post({ url: `${base}/loras/100%25%E0%A4%A.safetensors` });
    expect(stray.status).toBe(400);
    expect(((await stray.json()) as { error: { message: string } }).error.message).toMatch(
      /its file name is not valid percent-encoding/,
    );
    // "none" is the choice of no LoRA: a file of that name could never be chosen.
    const none = await post({ url: `${base}/loras/none.safetensors` });
    expect(none.status).toBe(400);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(
      /"none" is the choice of no LoRA: give the LoRA another name/,
    );
    expect((await post({ url: 'file:///etc/passwd' })).status).toBe(400);
    expect(seen.some((s) => s.path.includes('thing') || s.path.includes('download'))).toBe(false);
    // Copied in by hand, it is not a choice either.
    await writeFile(join(root, 'loras', 'none.safetensors'), lora);
    expect(listLoras(root)).toEqual([]);
    expect(await readdir(join(root, 'loras', '.incoming'))).toEqual([]);
  });
});

describe('LoRA install events', () => {
  /** An installer whose clock moves `step` ms each time it is read, with its events kept. */
  async function watched(step: number) {
    await fresh();
    let t = 0;
    const events: ReturnType<LoraInstaller['list']>[] = [];
    installer = new LoraInstaller({
      root,
      now: () => (t += step),
      events: { emit: (topic, data) => topic === 'loras' && events.push(data) },
    });
    return events;
  }

  it('pushes the start, the progress and the end on the bus: no one needs to poll', async () => {
    const events = await watched(300);
    installer.start({ url: `${base}/files/detail.safetensors` });
    await installer.settled();
    const states = events.map((e) => e.installs[0]!.state);
    expect(states[0]).toBe('downloading');
    expect(states.at(-1)).toBe('ready');
    const progress = events.filter((e) => e.installs[0]!.state === 'downloading').map((e) => e.installs[0]!.bytes);
    // The transfer's chunks arrive as progress, growing.
    expect(progress.some((b) => b > 0)).toBe(true);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    // The end carries the folder with the new choice in it.
    expect(events.at(-1)!.loras).toEqual([{ name: 'detail', bytes: lora.length }]);
  });

  it('sends progress at most four times a second, and the end and a failure at once', async () => {
    // The clock stands still: progress is held back, the start and the end are not.
    const events = await watched(0);
    installer.start({ url: `${base}/files/detail.safetensors` });
    installer.start({ url: `${base}/junk.safetensors` });
    await installer.settled();
    const byName = (name: string) => events.map((e) => e.installs.find((i) => i.name === name)?.state);
    expect(events).toHaveLength(4);
    expect(byName('detail').at(-1)).toBe('ready');
    expect(byName('junk').at(-1)).toBe('error');
    expect(events.at(-1)!.installs.find((i) => i.name === 'junk')!.error).toMatch(/not a safetensors file/);
  });
  it('refuses a URL with a user and password with a sentence that does not repeat them, and nothing is logged', async () => {
    await fresh();
    const logged: string[] = [];
    installer = new LoraInstaller({ root, env: {}, log: (m) => logged.push(m) });
    app = withErrorAnswers(new Hono());
    app.route('/api/v1', loraRoutes(installer));
    const res = await post({ url: base.replace('http://', 'http://me:hunter2@') + '/a/detail.safetensors' });
    await installer.settled();
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).toMatch(/a URL with a user and password/);
    expect(text).not.toContain('hunter2');
    expect(JSON.stringify(await list())).not.toContain('hunter2');
    expect(logged.join('\n')).not.toContain('hunter2');
  });
});
