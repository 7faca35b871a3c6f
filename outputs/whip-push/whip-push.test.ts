import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, waitFor } from '../../src/server/test-support';
import { ManualTimers } from '../../src/kernel/timers';
import { readFrameCode } from '../../pipelines/test-pattern/frame-code';
import { readScaledFrameCode, startOutputScope } from '../test-support';
import { RECONNECT_BACKOFF_MS, WhipPushOutput } from './whip-push-output';
import { startTestWhipEndpoint } from './test-whip-endpoint';
import type { OutputTestScope } from '../test-support';
import type { TestWhipEndpoint } from './test-whip-endpoint';

const W = 256;

/** What a wait saw when it timed out: the link as the hub lists it, and the far side's sessions and frames. */
const seen = (t: OutputTestScope, endpoint: TestWhipEndpoint) => () => ({
  link: t.hub.info('whip-push').link,
  requests: endpoint.requests.map((r) => `${r.method} ${r.status}`),
  sessions: endpoint.sessions,
  frames: endpoint.frames.length,
});

describe('WHIP push to a WHIP endpoint (real HTTP, real WebRTC peer on the other side)', () => {
  let t: OutputTestScope;
  let endpoint: TestWhipEndpoint;
  const rendered = new Set<number>();

  beforeAll(async () => {
    endpoint = await startTestWhipEndpoint('s3cret');
    const push = new WhipPushOutput('whip-push', {
      url: endpoint.url,
      token: 's3cret',
      hostCandidates: ['127.0.0.1'],
    });
    t = await startOutputScope({ pipeline: 'test-pattern', width: W, height: W }, { outputs: [push] });
    t.scope.services.engine.onFrame((f) => rendered.add(readFrameCode(f)));
  });
  afterAll(async () => {
    await t?.stop();
    await endpoint?.close();
  });

  it('POSTs the offer with the bearer token, follows the relative Location, and the far side decodes our frames', async () => {
    await waitFor(() => t.hub.info('whip-push').link?.state === 'connected', 15_000, 'the link', seen(t, endpoint));
    const post = endpoint.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ status: 201, auth: 'Bearer s3cret' });
    await waitFor(
      () => endpoint.frames.some((f) => rendered.has(readScaledFrameCode(f.image, W))),
      15_000,
      'a frame',
      seen(t, endpoint),
    );
    // Frames keep coming, in order: the frame codes the far side reads grow.
    const first = readScaledFrameCode(endpoint.frames.at(-1)!.image, W);
    await waitFor(
      () => readScaledFrameCode(endpoint.frames.at(-1)!.image, W) > first + 5,
      10_000,
      'later frames',
      seen(t, endpoint),
    );

    // The list (and so the panel) says where it goes, that it is up, and the bitrate it sends at.
    await waitFor(() => (t.hub.info('whip-push').link?.bitrateKbps ?? 0) > 0, 5000, 'a bitrate', seen(t, endpoint));
    const { body } = await call(`${t.url}/api/v1/outputs/whip-push`);
    expect(body).toMatchObject({ kind: 'whip', state: 'running', clients: 1, urls: [endpoint.url] });
    expect(body.link).toMatchObject({ state: 'connected', reconnects: 0 });
    expect(body.options).not.toHaveProperty('token');
  });

  it('makes a new session after the endpoint loses it, and DELETEs the session when switched off', async () => {
    const posts = () => endpoint.requests.filter((r) => r.method === 'POST').length;
    await waitFor(() => endpoint.frames.length > 5, 15_000, 'the link up and frames arriving', seen(t, endpoint));
    const before = posts();
    endpoint.dropAll();
    // Nothing comes back for 5 s, the first backoff passes: a new offer, new frames.
    await waitFor(() => posts() > before && endpoint.sessions === 1, 20_000, 'a new session', seen(t, endpoint));
    expect(t.scope.logs.join('\n')).toMatch(/nothing heard from the endpoint for 5 s; trying again in 1 s/);
    await waitFor(
      () => t.hub.info('whip-push').link?.state === 'connected',
      15_000,
      'the link again',
      seen(t, endpoint),
    );
    expect(t.hub.info('whip-push').link!.reconnects).toBeGreaterThanOrEqual(1);
    const n = endpoint.frames.length;
    await waitFor(() => endpoint.frames.length > n + 5, 10_000, 'frames after the reconnect', seen(t, endpoint));

    const { status } = await call(`${t.url}/api/v1/outputs/whip-push`, { method: 'PUT', body: { enabled: false } });
    expect(status).toBe(200);
    expect(endpoint.requests.at(-1)).toMatchObject({ method: 'DELETE', status: 200, auth: 'Bearer s3cret' });
    expect(endpoint.requests.at(-1)!.path).toMatch(/^\/whip\/resource\//);
    expect(endpoint.sessions).toBe(0);
  }, 40_000);
});

describe('WHIP push set up over the API, refusals and backoff', () => {
  let t: OutputTestScope;
  let endpoint: TestWhipEndpoint;
  afterEach(async () => {
    await t?.stop();
    await endpoint?.close();
  });

  it('an output with no URL cannot start and says why; PUT with a URL and token starts it', async () => {
    endpoint = await startTestWhipEndpoint('tok');
    const push = new WhipPushOutput('whip-push', { hostCandidates: ['127.0.0.1'] });
    t = await startOutputScope({ pipeline: 'test-pattern' }, { outputs: [push] });
    const info = t.hub.info('whip-push');
    expect(info.state).toBe('error');
    expect(info.reason).toMatch(/no WHIP endpoint set/);

    const bad = await call(`${t.url}/api/v1/outputs/whip-push`, {
      method: 'PUT',
      body: { options: { url: 'ftp://example' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/http:\/\/ or https:\/\//);
    // A password in the URL is refused, and not repeated in the answer.
    const secret = await call(`${t.url}/api/v1/outputs/whip-push`, {
      method: 'PUT',
      body: { options: { url: 'http://user:hunter2@127.0.0.1:9/whip' } },
    });
    expect(secret.status).toBe(400);
    expect(secret.body.error.message).toMatch(/carries a user or password/);
    expect(JSON.stringify(secret.body)).not.toContain('hunter2');
    expect(t.hub.info('whip-push').state).toBe('error');

    const put = await call(`${t.url}/api/v1/outputs/whip-push`, {
      method: 'PUT',
      body: { enabled: true, options: { url: endpoint.url, token: 'tok' } },
    });
    expect(put.status).toBe(200);
    await waitFor(() => t.hub.info('whip-push').link?.state === 'connected', 15_000, 'the link', seen(t, endpoint));
    expect(endpoint.requests[0]).toMatchObject({ method: 'POST', status: 201, auth: 'Bearer tok' });

    // The URL taken away (by the output's own setOptions, not the hub's PUT that lists again anyway): the session
    // is DELETEd and the outputs event the panel lives on says the link is idle, and why.
    const listed = () => {
      const last = t.events.at(-1)?.[1] as { id: string; link?: { state: string; problem?: string } }[] | undefined;
      return last?.find((o) => o.id === 'whip-push')?.link;
    };
    expect(listed()?.state).toBe('connected');
    await push.setOptions({ url: '' });
    expect(endpoint.sessions).toBe(0);
    expect(listed()).toMatchObject({ state: 'idle', problem: 'no WHIP endpoint set', bitrateKbps: 0 });
  });

  it('a refusal is listed with its status, and the next offer waits out a growing backoff', async () => {
    endpoint = await startTestWhipEndpoint('right');
    const timers = new ManualTimers();
    const push = new WhipPushOutput('whip-push', { url: endpoint.url, token: 'wrong' }, { timers });
    t = await startOutputScope({ pipeline: 'test-pattern' }, { outputs: [push] });
    const posts = () => endpoint.requests.length;
    await waitFor(
      () => posts() === 1 && t.hub.info('whip-push').link?.state === 'reconnecting',
      10_000,
      'a refusal',
      seen(t, endpoint),
    );
    const info = t.hub.info('whip-push');
    expect(info.link!.problem).toMatch(/answered 401 \(check the bearer token\)/);
    expect(info.state).toBe('error');

    // A wrong token does not heal by itself: the longest backoff, not a hammering.
    const longest = RECONNECT_BACKOFF_MS.at(-1)!;
    timers.advance(longest - 1);
    expect(posts()).toBe(1);
    // The endpoint now takes the token (a person fixed it); a 503 next is retried after the short backoffs.
    await push.setOptions({ token: 'right' });
    endpoint.refuseWith = 503;
    const refusals = () => t.hub.info('whip-push').link?.reconnects;
    await waitFor(
      () => posts() === 2 && refusals() === 2,
      10_000,
      'the offer with the new token, refused',
      seen(t, endpoint),
    );
    expect(t.hub.info('whip-push').link!.problem).toMatch(/answered 503/);
    timers.advance(RECONNECT_BACKOFF_MS[0]! - 1);
    expect(posts()).toBe(2);
    timers.advance(1);
    await waitFor(() => posts() === 3 && refusals() === 3, 10_000, 'the first retry, refused', seen(t, endpoint));
    endpoint.refuseWith = undefined;
    timers.advance(RECONNECT_BACKOFF_MS[1]! - 1);
    expect(posts()).toBe(3);
    timers.advance(1);
    await waitFor(() => t.hub.info('whip-push').link?.state === 'connected', 15_000, 'the link', seen(t, endpoint));
    expect(t.hub.info('whip-push').link).toMatchObject({ state: 'connected' });
    expect(t.hub.info('whip-push').link!.problem).toBeUndefined();
  });
});
