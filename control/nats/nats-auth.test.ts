import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nkeys } from '@nats-io/transport-node';
import { natsConnectOptions, redactUrl } from './nats-auth';
import { NatsShow } from './nats-show';
import { startNatsServer } from './test-nats-server';
import { operatorMode } from './operator-mode-support';
import { startTestScope, waitFor } from '../../src/server/test-support';
import type { TestNatsServer } from './test-nats-server';

const run = promisify(execFile);
const PASSWORD = 'pa55-w0rd-secret';
const TOKEN = 't0ken-very-secret';
const hostOf = (s: TestNatsServer) => `127.0.0.1:${s.port}`;
const show = () => `a${randomUUID().slice(0, 8)}`;

/** Joins and leaves at once: the join is what authenticates. */
async function joinAndLeave(options: Parameters<typeof NatsShow.join>[0]): Promise<void> {
  const s = await NatsShow.join({ connectTimeoutMs: 5000, ...options });
  await s.leave();
}

/** The error a join ends with, and what it logged: neither may hold `secret`. */
async function failure(options: Parameters<typeof NatsShow.join>[0], secret: string): Promise<string> {
  const logs: string[] = [];
  const err = await joinAndLeave({ ...options, log: (m) => logs.push(m) }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err, 'the join should have failed').toBeInstanceOf(Error);
  expect(`${err!.message}\n${err!.stack}\n${logs.join('\n')}`).not.toContain(secret);
  return err!.message;
}

describe('NATS URLs and credentials files, read', () => {
  it.each([
    ['nats://scope:hunter2@10.0.0.5:4222', 'nats://scope:***@10.0.0.5:4222'],
    ['nats://s3cr3t@10.0.0.5:4222', 'nats://***@10.0.0.5:4222'],
    ['tls://a:b@h:1,nats://h2:2', 'tls://a:***@h:1,nats://h2:2'],
    ['nats://10.0.0.5:4222', 'nats://10.0.0.5:4222'],
  ])('%s is printed as %s', (url, shown) => expect(redactUrl(url)).toBe(shown));

  it('gives the credentials to the library as its options, the servers without them', async () => {
    expect(await natsConnectOptions({ url: 'nats://scope:p%40ss@h:1,nats://h2:2' })).toEqual({
      servers: ['nats://h:1', 'nats://h2:2'],
      user: 'scope',
      pass: 'p@ss',
    });
    expect(await natsConnectOptions({ url: 'tls://tok@h:1' })).toEqual({
      servers: ['nats://h:1'],
      token: 'tok',
      tls: {},
    });
  });

  it('a credentials file that is missing, or garbage, is a sentence at start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nats-creds-'));
    try {
      await expect(natsConnectOptions({ url: 'nats://h:1', creds: join(dir, 'none.creds') })).rejects.toThrow(
        /could not read --nats-creds .*none\.creds \(ENOENT\)/,
      );
      await writeFile(join(dir, 'bad.creds'), 'SUAGARBAGE\n');
      await expect(natsConnectOptions({ url: 'nats://h:1', creds: join(dir, 'bad.creds') })).rejects.toThrow(
        /is neither a credentials file .* nor an NKey user seed/,
      );
      await writeFile(join(dir, 'jwt.creds'), '-----BEGIN NATS USER JWT-----\neyJ0\n------END NATS USER JWT------\n');
      await expect(natsConnectOptions({ url: 'nats://h:1', creds: join(dir, 'jwt.creds') })).rejects.toThrow(
        /a credentials file without a valid user seed/,
      );
      await expect(natsConnectOptions({ url: 'nats://h:1', ca: join(dir, 'none.pem') })).rejects.toThrow(
        /could not read --nats-ca .*none\.pem \(ENOENT\)/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a show server that requires a user and password (a real nats-server)', () => {
  let nats: TestNatsServer;
  beforeAll(async () => {
    nats = await startNatsServer(() => `authorization { users = [ { user: "scope", password: "${PASSWORD}" } ] }`);
  }, 30_000);
  afterAll(() => nats?.stop());

  it('a node joins with user:pass@ in the URL, and nothing it logs holds the password', async () => {
    const url = `nats://scope:${PASSWORD}@${hostOf(nats)}`;
    const node = await startTestScope({
      nats: url,
      show: show(),
      pipeline: 'test-pattern',
      oscPort: null,
      midi: false,
    });
    try {
      expect(node.show!.online).toBe(true);
      expect(node.services.host.activeId).toBe('test-pattern');
      expect(node.logs.join('\n')).not.toContain(PASSWORD);
    } finally {
      await node.stop();
    }
  }, 30_000);

  it('a wrong password, or none, is refused with a sentence that holds no secret', async () => {
    const wrong = await failure({ url: `nats://scope:${PASSWORD}x@${hostOf(nats)}`, show: show() }, PASSWORD);
    expect(wrong).toMatch(/at nats:\/\/scope:\*\*\*@127\.0\.0\.1:\d+: .*the server refused these credentials/);
    const none = await failure({ url: `nats://${hostOf(nats)}`, show: show() }, PASSWORD);
    expect(none).toMatch(/the server refused these credentials/);
  }, 30_000);
});

describe('a show server that requires a token (a real nats-server)', () => {
  let nats: TestNatsServer;
  beforeAll(async () => {
    nats = await startNatsServer(() => `authorization { token: "${TOKEN}" }`);
  }, 30_000);
  afterAll(() => nats?.stop());

  it('a node joins with token@ in the URL; a wrong token is refused without being printed', async () => {
    await joinAndLeave({ url: `nats://${TOKEN}@${hostOf(nats)}`, show: show() });
    const message = await failure({ url: `nats://${TOKEN}-not@${hostOf(nats)}`, show: show() }, TOKEN);
    expect(message).toMatch(/at nats:\/\/\*\*\*@127\.0\.0\.1:\d+: .*refused these credentials/);
  }, 30_000);
});

describe('a show server that requires an NKey, over TLS (a real nats-server)', () => {
  let nats: TestNatsServer;
  const user = nkeys.createUser();
  const seed = new TextDecoder().decode(user.getSeed());
  beforeAll(async () => {
    nats = await startNatsServer(async (dir) => {
      // A self-signed certificate for 127.0.0.1: it is its own CA (--nats-ca).
      await run('openssl', [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
        ...[
          '-addext',
          'subjectAltName=IP:127.0.0.1,DNS:localhost',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
      ]);
      return `authorization { users = [ { nkey: "${user.getPublicKey()}" } ] }
tls { cert_file: "${join(dir, 'cert.pem')}", key_file: "${join(dir, 'key.pem')}" }`;
    });
  }, 30_000);
  afterAll(() => nats?.stop());

  it('a node joins with --nats-creds (a seed file), --nats-ca and tls://; without the seed it is refused', async () => {
    await writeFile(join(nats.dir, 'user.nk'), `${seed}\n`);
    const creds = join(nats.dir, 'user.nk');
    const ca = join(nats.dir, 'cert.pem');
    await joinAndLeave({ url: `tls://${hostOf(nats)}`, creds, ca, show: show() });
    const message = await failure({ url: `tls://${hostOf(nats)}`, ca, show: show() }, seed);
    expect(message).toMatch(/refused these credentials/);
    // TLS is checked against the CA given: without it the server's certificate is not trusted.
    const untrusted = await failure({ url: `tls://${hostOf(nats)}`, creds, show: show() }, seed);
    expect(untrusted).toMatch(/certificate/i);
  }, 30_000);
});

describe("docs/nats-shows.md's configuration, on a real nats-server", () => {
  let nats: TestNatsServer;
  let url: string;
  beforeAll(async () => {
    const page = await readFile(new URL('../../docs/nats-shows.md', import.meta.url), 'utf8');
    const config = /```hcl\n([\s\S]*?)```/.exec(page)![1]!;
    // The page's server, on this test's port and store: only its authorization block is what is tested.
    const authorization = config.slice(config.indexOf('authorization'));
    nats = await startNatsServer(() => authorization);
    url = `nats://gig:${/password: "([^"]+)"/.exec(authorization)![1]}@${hostOf(nats)}`;
  }, 30_000);
  afterAll(() => nats?.stop());

  it("lets the show's nodes share show gig, and refuses any other show with a sentence", async () => {
    const [a, b] = [await NatsShow.join({ url, show: 'gig' }), await NatsShow.join({ url, show: 'gig' })];
    try {
      const seen: string[] = [];
      await b.watch((c) => seen.push(String(c.value)));
      await a.publish({ id: 'a:1', kind: 'param', key: 'speed', value: 2, at: 0, origin: 'a', source: 'osc' });
      await waitFor(() => seen.length > 0, 5000, 'the change on the other node');
      expect(seen).toEqual(['2']);
    } finally {
      await a.leave();
      await b.leave();
    }
    const other = await failure({ url, show: 'other' }, 'change-me');
    expect(other).toMatch(/does not let this user use show other's buckets/);
  }, 30_000);
});

describe('a show server in operator mode, with a .creds file (a real nats-server)', () => {
  let nats: TestNatsServer;
  const { config, creds } = operatorMode();
  beforeAll(async () => {
    nats = await startNatsServer(() => config);
    await writeFile(join(nats.dir, 'node.creds'), creds);
  }, 30_000);
  afterAll(() => nats?.stop());

  it('a node joins with --nats-creds; without it it is refused, and the seed is never printed', async () => {
    await joinAndLeave({ url: nats.url, creds: join(nats.dir, 'node.creds'), show: show() });
    const seed = /SU[A-Z0-9]{50,}/.exec(creds)![0];
    expect(await failure({ url: nats.url, show: show() }, seed)).toMatch(/refused these credentials/);
  }, 30_000);
});
