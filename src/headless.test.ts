import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, waitFor } from './server/test-support';
import { startTestWhipEndpoint } from '../outputs/whip-push/test-whip-endpoint';
import { startNatsServer } from '../control/nats/test-nats-server';
import { NatsShow } from '../control/nats/nats-show';
import type { TestWhipEndpoint } from '../outputs/whip-push/test-whip-endpoint';
import type { TestNatsServer } from '../control/nats/test-nats-server';
import type { ChildProcess } from 'node:child_process';

const bin = join(import.meta.dirname, 'bin.mjs');

describe('a headless render node as its own process (daydream-scope --headless --log-format json)', () => {
  let nats: TestNatsServer;
  let whip: TestWhipEndpoint;
  let watcher: NatsShow;
  let config: string;
  let child: ChildProcess | undefined;
  const show = `h${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    [nats, whip, config] = await Promise.all([
      startNatsServer(),
      startTestWhipEndpoint('push-secret'),
      mkdtemp(join(tmpdir(), 'scope-headless-')),
    ]);
    // Another member of the show, to see who is in it.
    watcher = await NatsShow.join({ url: nats.url, show, node: 'watcher' });
  }, 30_000);
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await watcher?.leave();
    await Promise.all([nats?.stop(), whip?.close()]);
    await rm(config, { recursive: true, force: true });
  });

  it('serves /health, pushes over WHIP and joins the show; on SIGTERM it drains: the session DELETEd, the show left, exit 0', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DAYDREAM_SCOPE_CONFIG_DIR: config,
      DAYDREAM_SCOPE_WHIP_TOKEN: 'push-secret',
    };
    // The suite turns MIDI off for every test; here --headless alone must do it.
    delete env.DAYDREAM_SCOPE_MIDI;
    const args = [
      '--headless',
      '--log-format',
      'json',
      '--port',
      '0',
      '--osc-port',
      'off',
      '--pipeline',
      'test-pattern',
    ];
    args.push('--whip-push', whip.url, '--nats', nats.url, '--show', show);
    const proc = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const lines = () => stdout.split('\n').filter((l) => l.length > 0);

    await waitFor(() => /serving on http:\/\/127\.0\.0\.1:\d+/.test(stdout), 60_000, `the banner (stderr: ${stderr})`);
    const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
    expect((await call(`${url}/health/live`)).status).toBe(200);
    await waitFor(async () => (await call(`${url}/health/ready`)).status === 200, 30_000, 'the node to be ready');
    await waitFor(() => whip.frames.length > 3, 30_000, 'frames pushed to the WHIP endpoint');
    expect(whip.requests[0]).toMatchObject({ method: 'POST', auth: 'Bearer push-secret', status: 201 });
    await waitFor(async () => (await watcher.nodes()).length === 2, 10_000, 'the node in the show');

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The SFU was told at once, not left to time the session out.
    expect(whip.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(whip.sessions).toBe(0);
    expect(await watcher.nodes()).toEqual(['watcher']);

    // Every line of the log is one JSON object, the banner included; the drain said what it did.
    const logged = lines().map((l) => JSON.parse(l) as { time: string; level: string; msg: string });
    for (const entry of logged) {
      expect(entry).toEqual({ time: expect.any(String), level: 'info', msg: expect.any(String) });
      expect(Number.isNaN(Date.parse(entry.time))).toBe(false);
    }
    const msgs = logged.map((e) => e.msg);
    expect(msgs).toContain('  MIDI   off');
    // No panel was built (a fresh checkout would say so here, as JSON).
    expect(msgs.filter((m) => /web panel/.test(m))).toEqual([]);
    expect(msgs.some((m) => /^SIGTERM/.test(m))).toBe(true);
    expect(msgs.find((m) => m.startsWith('Drained:'))).toMatch(/the last frame \(\d+\) went out, .*left show h/);
  }, 120_000);
});
