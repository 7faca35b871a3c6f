/**
 * Debian's nats-server for tests and the bench: JetStream on, 127.0.0.1, an ephemeral port, a store folder of its
 * own. restart() stops it and starts it again on the same port and store, as a server restarted mid-show.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/server/test-support';
import type { ChildProcess } from 'node:child_process';

export interface TestNatsServer {
  url: string;
  port: number;
  restart(): Promise<void>;
  /** Stops it without starting again (until restart()). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNatsServer(): Promise<TestNatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'scope-nats-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const end = Date.now() + 10_000;
    while (!(await listening(port))) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`nats-server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    restart: async () => {
      await kill();
      await start();
    },
    kill,
    stop: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
