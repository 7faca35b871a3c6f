import { spawn } from 'node:child_process';
import { PamReader } from './pam-reader';
import type { ChildProcess } from 'node:child_process';
import type { PamFrame } from './pam-reader';

/**
 * Runs ffmpeg under a watchdog shell on POSIX: ffmpeg ignores the end of its stdin, so the shell waits on the pipe
 * from this process instead and terminates ffmpeg when it ends, which happens on stop() and equally when this
 * process dies in any way (even SIGKILL: the kernel closes the pipe). Then TERM, then KILL two seconds later.
 * ffmpeg's stdout is the shell's, so frames come straight to us; fd 3 keeps the watched pipe for the watcher only.
 */
const WATCHDOG = `exec 3<&0
"$@" </dev/null 3<&- &
child=$!
( read -r _ <&3; kill -TERM "$child" 2>/dev/null; sleep 2; kill -KILL "$child" 2>/dev/null ) >/dev/null 2>&1 &
watcher=$!
exec 3<&-
wait "$child"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"`;

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines ffmpeg wrote to stderr (it says why it failed there). */
  stderr: string;
  /** stop() was called: the exit was asked for. */
  stopped: boolean;
}

export interface FfmpegRun {
  /** Id of the watchdog shell (POSIX) or of ffmpeg itself (Windows). */
  readonly pid: number | undefined;
  /** Ends ffmpeg (through the watchdog) and resolves once it has exited. */
  stop(): Promise<void>;
}

export interface FfmpegHandlers {
  frame(frame: PamFrame): void;
  exit(exit: FfmpegExit): void;
}

const STDERR_KEEP = 4000;
/** After asking politely, how long before the whole process group is killed. */
const STOP_GRACE_MS = 3000;

/** Live runs, ended when this process exits normally (the watchdog covers the abnormal ends). */
const live = new Set<ChildProcess>();
let hooked = false;

/** Starts `ffmpeg args` writing PAM frames to stdout; frames and the exit arrive through `on`. */
export function runFfmpeg(ffmpeg: string, args: string[], on: FfmpegHandlers): FfmpegRun {
  const posix = process.platform !== 'win32';
  const child = posix
    ? spawn('/bin/sh', ['-c', WATCHDOG, 'scope-ffmpeg', ffmpeg, ...args], { stdio: 'pipe', detached: true })
    : spawn(ffmpeg, args, { stdio: 'pipe', windowsHide: true });
  live.add(child);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) killGroup(c, 'SIGKILL');
    });
  }
  const reader = new PamReader();
  let stderr = '';
  let stopped = false;
  let failed: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      live.delete(child);
      on.exit({ code, signal, stderr: failed ?? stderr.trim(), stopped });
      resolve();
    });
  });
  child.once('error', (err) => {
    failed = `could not run ${ffmpeg}: ${err.message}`;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (failed) return;
    try {
      for (const frame of reader.push(chunk)) on.frame(frame);
    } catch (err) {
      failed = `unreadable output from ffmpeg: ${(err as Error).message}`;
      killGroup(child, 'SIGKILL');
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP);
  });
  // A write to a watchdog that has already gone is not an error of ours.
  child.stdin.on('error', () => {});

  return {
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      stopped = true;
      if (posix) child.stdin.end();
      else child.kill();
      const cut = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(cut);
    },
  };
}

/** Signals the watchdog's whole process group (it was started detached, so ffmpeg is in it too). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

/** The last meaningful line of ffmpeg's stderr, for a sentence (`No such file or directory`, …). */
export function lastLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(Exiting normally|Press \[q\])/.test(l));
  return lines.at(-1) ?? '';
}
