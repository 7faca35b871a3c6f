import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Replies, Request } from './session-protocol';
import type { SessionTransport } from './transport';

export interface ChildTransportOptions {
  /** Lets the child obey fault-injection requests (DAYDREAM_SCOPE_FAULTS=1 in its environment); main passes it on. */
  faults: boolean;
  /** Where the child's own error output goes, a line at a time. */
  log: (message: string) => void;
  /** How long `close()` waits for the sessions to be released before the process is killed. */
  closeTimeoutMs: number;
}

const defaults: ChildTransportOptions = {
  faults: false,
  log: () => {},
  closeTimeoutMs: 5000,
};

type Pending = { resolve: (v: never) => void; reject: (e: Error) => void };
type Reply = { rid: number; ok: boolean; value?: unknown; message?: string };

/**
 * Sessions in a child process (ort-child.mjs): crash isolation. A native abort, an out-of-memory kill or a hang in
 * onnxruntime ends or stalls that process only; the server hears it as `onLost` with the reason, and a hung one
 * can be killed. The process starts on the first request and again on the first one after it was lost.
 */
export class ChildProcessTransport implements SessionTransport {
  private readonly o: ChildTransportOptions;
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly lost: ((err: Error) => void)[] = [];
  private quiet = false;

  constructor(options: Partial<ChildTransportOptions> = {}) {
    this.o = { ...defaults, ...options } satisfies ChildTransportOptions;
  }

  /** The child's process id while it runs (its memory is read from outside, even while it hangs). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const env: NodeJS.ProcessEnv = { ...process.env, DAYDREAM_SCOPE_FAULTS: this.o.faults ? '1' : '0' };
    const child = fork(fileURLToPath(new URL('./ort-child.mjs', import.meta.url)), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      // The parent's flags (an inspector, a test runner's loaders) are not the child's business.
      execArgv: [],
      env,
    });
    let tail = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (tail + chunk).split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.o.log(`onnxruntime process: ${line}`);
    });
    child.on('message', (msg: Reply | { ready: true }) => {
      if (!('rid' in msg)) return;
      const p = this.pending.get(msg.rid);
      if (!p) return;
      this.pending.delete(msg.rid);
      if (this.pending.size === 0) this.idle(child);
      if (msg.ok) p.resolve(msg.value as never);
      else p.reject(new Error(msg.message));
    });
    const ended = (err: Error) => {
      if (this.child !== child) return;
      this.child = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (!this.quiet) for (const l of this.lost) l(err);
    };
    child.on('error', (err) => ended(new Error(`the onnxruntime process could not run: ${err.message}`)));
    child.on('exit', (code, signal) => ended(new Error(describeExit(code, signal))));
    this.idle(child);
    this.child = child;
    return child;
  }

  /** An idle child must not keep the server's process alive; one with calls in flight must. */
  private idle(child: ChildProcess): void {
    child.unref();
    child.channel?.unref();
  }

  request<R extends Request>(msg: R): Promise<Replies[R['op']]> {
    const child = this.start();
    const rid = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(rid, { resolve: resolve as (v: never) => void, reject });
      child.ref();
      child.channel?.ref();
      child.send({ rid, msg }, (err) => {
        if (!err || !this.pending.delete(rid)) return;
        reject(new Error(`could not reach the onnxruntime process: ${err.message}`));
      });
    });
  }

  onLost(listener: (err: Error) => void): void {
    this.lost.push(listener);
  }

  /**
   * Ends the process at once (it hangs): calls in flight fail, and `onLost` is not called for it. Resolves once the
   * process is gone (reaped), so its memory is free when this returns.
   */
  kill(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    // Forgotten first, so its exit is not reported as a loss.
    this.child = undefined;
    const gone =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    const err = new Error('the onnxruntime process was stopped by the server');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    return gone;
  }

  /** Releases the sessions in the child (a few seconds at most), then ends it. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.quiet = true;
    try {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise((resolve) => (timer = setTimeout(resolve, this.o.closeTimeoutMs)));
      await Promise.race([this.request({ op: 'shutdown' }).catch(() => {}), late]);
      clearTimeout(timer);
      if (this.child === child) {
        child.disconnect();
        const killer = setTimeout(() => child.kill('SIGKILL'), 1000);
        await exited;
        clearTimeout(killer);
      }
    } finally {
      this.quiet = false;
    }
  }
}

/** How the child ended, as the status shows it. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === 'SIGKILL') {
    return 'the onnxruntime process was killed (SIGKILL: usually the system running out of memory)';
  }
  if (signal === 'SIGABRT') return 'the onnxruntime process crashed (SIGABRT: a native abort)';
  if (signal) return `the onnxruntime process crashed (${signal})`;
  return `the onnxruntime process exited with code ${code}`;
}
