import { describe, expect, it } from 'vitest';
import { createRequestGuard, isLoopbackAddress, normalizeHost } from './guard';
import { RefusalCounter } from '../kernel/refusals';
import type { AccessRequest } from '../kernel/access';

const req = (over: Partial<AccessRequest>): AccessRequest => ({
  method: 'GET',
  url: '/',
  host: '127.0.0.1:8000',
  origin: undefined,
  authorization: undefined,
  cookie: undefined,
  remoteAddress: '127.0.0.1',
  upgrade: false,
  ...over,
});

describe('normalizeHost', () => {
  it.each([
    ['127.0.0.1:8000', '127.0.0.1'],
    ['LOCALHOST', 'localhost'],
    ['[::1]:8000', '[::1]'],
    ['127.1', '127.0.0.1'],
    ['evil.example:8000', 'evil.example'],
    ['evil.example/x', undefined],
    ['user@127.0.0.1', undefined],
    ['', undefined],
    ['[::1', undefined],
  ])('%s -> %s', (value, host) => expect(normalizeHost(value)).toBe(host));
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.9.9.9', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.2', false],
    ['::ffff:10.0.0.2', false],
    [undefined, false],
  ])('%s: %s', (address, loopback) => expect(isLoopbackAddress(address)).toBe(loopback));
});

describe('the request guard on loopback', () => {
  const refusals = new RefusalCounter();
  const guard = createRequestGuard({ refusals, ports: [8000] });
  guard.serve(8001);
  it.each([
    // Host
    [{ host: '127.0.0.1:8000' }, 'ok'],
    [{ host: 'localhost:8000' }, 'ok'],
    [{ host: '[::1]:8000' }, 'ok'],
    [{ host: 'evil.example:8000' }, 421],
    [{ host: '127.evil.example:8000' }, 421],
    [{ host: 'localhost.evil.example' }, 421],
    [{ host: undefined }, 421],
    [{ host: 'evil.example/..' }, 421],
    // Origin on a state-changing request, whatever its content type
    [{ method: 'POST', origin: 'http://127.0.0.1:8000' }, 'ok'],
    [{ method: 'POST', origin: 'http://localhost:8000' }, 'ok'],
    [{ method: 'POST', origin: 'http://[::1]:8000' }, 'ok'],
    // Another listener of this server (OSCQuery's), told with serve()
    [{ method: 'POST', origin: 'http://127.0.0.1:8001' }, 'ok'],
    // Other ports and schemes of this machine are other sites: a dev server, a notebook, an app with an XSS
    [{ method: 'POST', origin: 'http://127.0.0.1:9999' }, 403],
    [{ method: 'POST', origin: 'http://localhost:5173' }, 403],
    [{ method: 'POST', origin: 'http://localhost' }, 403],
    [{ method: 'POST', origin: 'https://localhost' }, 403],
    [{ method: 'POST', origin: 'https://127.0.0.1:8000' }, 403],
    [{ method: 'PUT', origin: 'http://[::1]:9999' }, 403],
    [{ upgrade: true, origin: 'http://127.0.0.1:9999' }, 403],
    [{ upgrade: true, origin: 'https://localhost:8000' }, 403],
    // The port the request came in on is this server's even when serve() was not told (a listener starting up)
    [{ method: 'POST', host: '127.0.0.1:7000', localPort: 7000, origin: 'http://127.0.0.1:7000' }, 'ok'],
    // The socket's port decides, not the Host header: a Host naming another port lets no page of it in
    [{ method: 'POST', host: '127.0.0.1:9999', localPort: 7000, origin: 'http://127.0.0.1:9999' }, 403],
    [{ method: 'POST', origin: 'http://127.evil.example' }, 403],
    [{ method: 'POST', origin: 'http://localhost.evil.example' }, 403],
    [{ method: 'PATCH', origin: 'http://evil.example:8000' }, 403],
    [{ method: 'DELETE', origin: 'null' }, 403],
    [{ method: 'POST', origin: 'http://127.0.0.1:8000/' }, 403],
    [{ method: 'POST', origin: 'file://' }, 403],
    [{ method: 'POST', origin: 'ftp://127.0.0.1' }, 403],
    [{ method: 'POST', origin: 'not a url' }, 403],
    // Requests without an Origin are not from a browser page (curl, scripts, TouchDesigner)
    [{ method: 'POST' }, 'ok'],
    // A WebSocket upgrade is a GET that can change things
    [{ upgrade: true, origin: 'http://evil.example' }, 403],
    [{ upgrade: true, origin: 'http://127.0.0.1:8000' }, 'ok'],
    // A plain GET from a foreign page is answered, without CORS headers (the page cannot read it)
    [{ origin: 'http://evil.example' }, 'ok'],
  ] as [Partial<AccessRequest>, 'ok' | number][])('%j -> %s', (over, expected) => {
    const verdict = guard.check(req(over));
    expect(verdict.ok ? 'ok' : verdict.status).toBe(expected);
  });

  it('gives CORS headers to allowed origins only', () => {
    const own = guard.check(req({ origin: 'http://localhost:8000' }));
    expect(own.ok && own.headers['Access-Control-Allow-Origin']).toBe('http://localhost:8000');
    const otherPort = guard.check(req({ origin: 'http://localhost:9999' }));
    expect(otherPort.ok && otherPort.headers['Access-Control-Allow-Origin']).toBeUndefined();
    const foreign = guard.check(req({ origin: 'http://evil.example' }));
    expect(foreign.ok && foreign.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('counts each refusal by reason and needs no token on loopback', () => {
    const before = refusals.snapshot();
    guard.check(req({ host: 'evil.example' }));
    guard.check(req({ method: 'PUT', origin: 'http://evil.example' }));
    expect(refusals.snapshot().bad_host).toBe((before.bad_host ?? 0) + 1);
    expect(refusals.snapshot().forbidden_origin).toBe((before.forbidden_origin ?? 0) + 1);
    expect(guard.check(req({ remoteAddress: '10.1.2.3' })).ok).toBe(true);
  });
});

describe('allowed hosts and CORS origins', () => {
  const guard = createRequestGuard({
    allowedHosts: ['scope.local', '192.168.1.10', 'fe80::1'],
    corsOrigins: ['https://player.example', 'http://localhost:5173'],
    ports: [8000],
  });
  it.each([
    [{ host: 'scope.local:8000' }, 'ok'],
    [{ host: 'SCOPE.LOCAL' }, 'ok'],
    [{ host: '192.168.1.10:8000' }, 'ok'],
    [{ host: '[fe80::1]:8000' }, 'ok'],
    [{ host: '192.168.1.11:8000' }, 421],
    [{ method: 'POST', origin: 'https://player.example' }, 'ok'],
    [{ method: 'POST', origin: 'https://player.example.evil' }, 403],
    [{ method: 'POST', origin: 'http://player.example' }, 403],
    [{ method: 'POST', origin: 'http://scope.local:8000' }, 'ok'],
    [{ method: 'POST', origin: 'http://scope.local:8080' }, 403],
    [{ method: 'POST', origin: 'https://scope.local:8000' }, 403],
    // A --cors-origin is exact, port included: the Vite dev server is let in only on the port named
    [{ method: 'POST', origin: 'http://localhost:5173' }, 'ok'],
    [{ method: 'POST', origin: 'http://localhost:5174' }, 403],
  ] as [Partial<AccessRequest>, 'ok' | number][])('%j -> %s', (over, expected) => {
    const verdict = guard.check(req(over));
    expect(verdict.ok ? 'ok' : verdict.status).toBe(expected);
  });
});

describe('LAN mode', () => {
  const token = 'k3y-of-the-show';
  const guard = createRequestGuard({ lan: true, token, allowedHosts: ['10.0.0.5'] });
  const lan = (over: Partial<AccessRequest>) => req({ host: '10.0.0.5:8000', remoteAddress: '10.0.0.9', ...over });

  it('refuses another machine without the token, with a sentence saying how', () => {
    const verdict = guard.check(lan({}));
    expect(verdict).toMatchObject({ ok: false, status: 401, code: 'unauthorized' });
    expect(!verdict.ok && verdict.message).toMatch(/token/);
  });

  it.each([
    ['a bearer header', { authorization: `Bearer ${token}` }],
    ['the cookie', { cookie: `theme=dark; daydream_scope_token=${token}` }],
    ['the URL', { url: `/output?token=${token}` }],
  ])('takes the token from %s', (_what, over) => {
    expect(guard.check(lan(over)).ok).toBe(true);
  });

  it.each([
    ['a wrong bearer', { authorization: 'Bearer nope' }],
    ['a longer one', { authorization: `Bearer ${token}x` }],
    ['a wrong cookie', { cookie: 'daydream_scope_token=nope' }],
    ['a wrong query', { url: '/?token=nope' }],
  ])('refuses %s', (_what, over) => {
    expect(guard.check(lan(over)).ok).toBe(false);
  });

  it('sets the HttpOnly cookie when the printed URL is opened', () => {
    const verdict = guard.check(lan({ url: `/?token=${token}` }));
    expect(verdict.ok && verdict.headers['Set-Cookie']).toMatch(/daydream_scope_token=.*HttpOnly.*SameSite=Strict/);
  });

  it('still checks Host and Origin before the token', () => {
    expect(guard.check(lan({ host: 'evil.example', authorization: `Bearer ${token}` }))).toMatchObject({ status: 421 });
    const post = lan({ method: 'POST', origin: 'http://evil.example', authorization: `Bearer ${token}` });
    expect(guard.check(post)).toMatchObject({ status: 403 });
  });

  it("lets in the page of the token's URL (its LAN address and the server's port), not another port of it", () => {
    const withPort = (origin: string) =>
      lan({ method: 'POST', origin, localPort: 8000, authorization: `Bearer ${token}` });
    expect(guard.check(withPort('http://10.0.0.5:8000')).ok).toBe(true);
    expect(guard.check(withPort('http://10.0.0.5:8888'))).toMatchObject({ status: 403 });
    expect(guard.check(withPort('https://10.0.0.5:8000'))).toMatchObject({ status: 403 });
  });

  it('lets this machine in without the token', () => {
    expect(guard.check(lan({ remoteAddress: '::ffff:127.0.0.1' })).ok).toBe(true);
  });

  it('will not start without a token', () => {
    expect(() => createRequestGuard({ lan: true })).toThrow(/token/);
  });
});
