/**
 * A lock file beside a file being downloaded, so that two processes (a server and a `daydream-scope download`)
 * never append to the same `.incomplete` file. Created with O_EXCL; it names its owner's pid and host, and a lock
 * whose owner is dead, or that nobody touched for a long time, is taken over.
 */
import { open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { z } from 'zod';
import { DownloadError } from './hub';

const lockInfoSchema = z.object({ pid: z.number().int(), host: z.string(), at: z.string() });
export type LockInfo = z.infer<typeof lockInfoSchema>;

export interface FileLock {
  readonly path: string;
  /** Marks the lock as alive (its mtime); the holder calls this while it works so it never looks stale. */
  refresh(): Promise<void>;
  release(): Promise<void>;
}

export interface LockOptions {
  /** A lock untouched for this long is stale even if its pid seems alive (pids are reused, hosts share disks). */
  staleMs?: number;
  now?: () => number;
  /** Whether a pid runs on this host; injectable for tests. */
  alive?: (pid: number) => boolean;
}

const STALE_MS = 10 * 60_000;

/** Takes the lock at `path` or throws a `locked` DownloadError naming the process that holds it. */
export async function acquireFileLock(path: string, what: string, options: LockOptions = {}): Promise<FileLock> {
  const now = options.now ?? Date.now;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      try {
        const info: LockInfo = { pid: process.pid, host: hostname(), at: new Date(now()).toISOString() };
        await file.writeFile(JSON.stringify(info));
      } finally {
        await file.close();
      }
      return handle(path, now);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await inspect(path, options.staleMs ?? STALE_MS, now, options.alive ?? pidAlive);
    if (holder.stale) {
      // Renaming first means that of two processes finding the same stale lock, only one removes it.
      const aside = `${path}.stale-${process.pid}`;
      await rename(path, aside).then(
        () => rm(aside, { force: true }),
        () => undefined,
      );
      continue;
    }
    const who = holder.info ? `process ${holder.info.pid} on ${holder.info.host}` : 'another process';
    throw new DownloadError(
      'locked',
      `${what} is being downloaded by ${who}: wait for it to finish, or delete ${path} if that process is gone`,
    );
  }
  throw new DownloadError('locked', `could not take the lock ${path}; delete it if no download is running`);
}

async function inspect(
  path: string,
  staleMs: number,
  now: () => number,
  alive: (pid: number) => boolean,
): Promise<{ stale: boolean; info: LockInfo | null }> {
  let mtime: number;
  let info: LockInfo | null = null;
  try {
    mtime = (await stat(path)).mtimeMs;
    const parsed = lockInfoSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (parsed.success) info = parsed.data;
  } catch (err) {
    // Gone in between (its holder finished): free. Unreadable or half written: judged by its age alone.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { stale: true, info: null };
    mtime = await stat(path).then(
      (s) => s.mtimeMs,
      () => 0,
    );
  }
  if (now() - mtime > staleMs) return { stale: true, info };
  if (info && info.host === hostname() && !alive(info.pid)) return { stale: true, info };
  return { stale: false, info };
}

function handle(path: string, now: () => number): FileLock {
  let released = false;
  return {
    path,
    refresh: async () => {
      if (released) return;
      const t = new Date(now());
      await utimes(path, t, t).catch(() => undefined);
    },
    release: async () => {
      if (released) return;
      released = true;
      await rm(path, { force: true });
    },
  };
}

/** Whether a process exists: signal 0 checks without sending anything; EPERM means it exists but is not ours. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
