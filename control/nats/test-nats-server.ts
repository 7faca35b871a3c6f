/**
 * Debian's nats-server for tests and the bench: JetStream on, 127.0.0.1, an ephemeral port, a store folder of its
 * own. restart() stops it and starts it again on the same port and store, as a server restarted mid-show.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopChild } from '../../src/server/test-support';
import type { ChildProcess } from 'node:child_process';

export interface TestNatsServer {
  url: string;
  /** The folder the server keeps its store (and configuration) in. */
  dir: string;
  port: number;
  restart(): Promise<void>;
  /** Stops it without starting again (until restart()). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** `config`: a nats-server configuration (users, tls …) written to its folder; `dir` is that folder inside it. */
export async function startNatsServer(config?: (dir: string) => string | Promise<string>): Promise<TestNatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'scope-nats-'));
  const extra: string[] = [];
  if (config) {
    await writeFile(join(dir, 'server.conf'), await config(dir));
    extra.push('-c', join(dir, 'server.conf'));
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    child = spawn('nats-server', [...extra, '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const c = child;
    // It says "Server is ready" on stderr once it accepts clients (JetStream included); no polling of the port.
    await new Promise<void>((resolve, reject) => {
      const fail = () => {
        clearTimeout(timer);
        reject(new Error(`nats-server did not start:\n${log}`));
      };
      const timer = setTimeout(fail, 10_000);
      c.once('exit', fail);
      c.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
        if (!log.includes('Server is ready')) return;
        clearTimeout(timer);
        c.off('exit', fail);
        resolve();
      });
    });
  };
  const kill = async () => {
    const c = child;
    child = undefined;
    if (c) await stopChild(c);
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    dir,
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
