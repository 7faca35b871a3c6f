import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childMallocTunables } from './child-malloc';
import { PendingReplies } from './pending-replies';
import { SharedRegion } from './shared-region';
import { SharedReader, SharedWriter } from './shared-frames';
import type { Reply } from './pending-replies';
import type { Replies, Request } from './session-protocol';
import type { SessionTransport } from './transport';
import type { ScopeEnvName } from '../flag-env';

// Where the shared region is, for the child (src/flag-env.ts lists them; ort-child.mjs reads them).
const SHARED_PATH: ScopeEnvName = 'DAYDREAM_SCOPE_SHARED_PATH';
const SHARED_BYTES: ScopeEnvName = 'DAYDREAM_SCOPE_SHARED_BYTES';

export interface ChildTransportOptions {
  /** Lets the child obey fault-injection requests (DAYDREAM_SCOPE_FAULTS=1 in its environment); main passes it on. */
  faults: boolean;
  /** Where the child's own error output goes, a line at a time. */
  log: (message: string) => void;
  /** How long `close()` waits for the sessions to be released before the process is killed. */
  closeTimeoutMs: number;
  /**
   * Bytes of shared memory for big tensors coming back (frames), per child process; 0 sends everything through
   * the IPC pipe. The file under /dev/shm is removed as soon as the child has mapped it (shared-frames.ts).
   */
  sharedBytes: number;
  /**
   * With shared memory: the child's onnxruntime writes run outputs of a static shape straight into it (no copy in
   * the child), except a WebGPU session's with an output left in a GPU buffer (docs/shared-frames.md).
   * False copies them in after the run on every session (the bench compares both).
   */
  directOutputs: boolean;
}

const defaults: ChildTransportOptions = {
  faults: false,
  log: () => {},
  closeTimeoutMs: 5000,
  sharedBytes: 32 * 2 ** 20,
  directOutputs: true,
};

/**
 * Sessions in a child process (ort-child.mjs): crash isolation. A native abort, an out-of-memory kill or a hang in
 * onnxruntime ends or stalls that process only; the server hears it as `onLost` with the reason, and a hung one
 * can be killed. The process starts on the first request and again on the first one after it was lost.
 */
export class ChildProcessTransport implements SessionTransport {
  private readonly o: ChildTransportOptions;
  private child: ChildProcess | undefined;
  private readonly replies = new PendingReplies();
  private readonly lost: ((err: Error) => void)[] = [];
  private quiet = false;
  /** The running child's shared memory: its replies' ring (read here), its requests' ring (written here). */
  private shared: Shared | undefined;
  private sharedProblem: string | undefined;

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
    delete env[SHARED_PATH];
    if (process.platform === 'linux') env.GLIBC_TUNABLES = childMallocTunables(process.env.GLIBC_TUNABLES);
    const shared = this.shareWith(env);
    const args = this.o.directOutputs ? [] : ['--copy-outputs'];
    const child = fork(fileURLToPath(new URL('./ort-child.mjs', import.meta.url)), args, {
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
    child.on('message', (msg: (Reply & { consumed?: number }) | { ready: true }) => {
      // Mapped on both sides now: the file goes, and nothing is left under /dev/shm whichever process dies.
      if (!('rid' in msg)) return shared?.region.unlink();
      if (shared) shared.consumed = Math.max(shared.consumed, msg.consumed ?? 0);
      this.replies.settle(shared ? taken(shared.reader, msg) : msg);
      if (this.replies.size === 0) this.idle(child);
    });
    const ended = (err: Error) => {
      this.dropShared(shared);
      if (this.child !== child) return;
      this.child = undefined;
      this.replies.failAll(err);
      if (!this.quiet) for (const l of this.lost) l(err);
    };
    child.on('error', (err) => ended(new Error(`the onnxruntime process could not run: ${err.message}`)));
    child.on('exit', (code, signal) => ended(new Error(describeExit(code, signal))));
    this.idle(child);
    this.child = child;
    this.shared = shared;
    return child;
  }

  /**
   * Tensors and bytes that went each way through the running child's shared memory (none: all took the pipe); of
   * the tensors, `direct` were written there by onnxruntime itself, with no copy.
   */
  sharedCounts(): Record<'fromChild' | 'toChild', { tensors: number; bytes: number; direct: number }> {
    const count = (side: { tensors: number; bytes: number; direct: number } | undefined) => ({
      tensors: side?.tensors ?? 0,
      bytes: side?.bytes ?? 0,
      direct: side?.direct ?? 0,
    });
    return { fromChild: count(this.shared?.reader), toChild: count(this.shared?.writer) };
  }

  /** Makes the shared memory of a new child and names it in the child's environment; undefined for the pipe. */
  private shareWith(env: NodeJS.ProcessEnv): Shared | undefined {
    if (this.o.sharedBytes <= 0) return undefined;
    const region = SharedRegion.create(this.o.sharedBytes);
    if (typeof region === 'string') {
      // Said once: the frames take the pipe, as before.
      if (this.sharedProblem !== region) this.o.log((this.sharedProblem = region));
      return undefined;
    }
    env[SHARED_PATH] = region.path;
    env[SHARED_BYTES] = String(this.o.sharedBytes);
    const half = Math.floor(this.o.sharedBytes / 2);
    // The first half carries replies (the child writes), the second requests (this process writes).
    const replies = { bytes: region.bytes.subarray(0, half), mapped: () => region.mapped };
    return {
      region,
      reader: new SharedReader({
        get bytes() {
          return replies.bytes;
        },
        get mapped() {
          return replies.mapped();
        },
      }),
      writer: new SharedWriter(region.bytes.subarray(half)),
      consumed: 0,
    };
  }

  /** Unmaps a child's shared memory once the child is gone (its replies were all copied out on arrival). */
  private dropShared(shared: { region: SharedRegion } | undefined): void {
    if (!shared) return;
    if (this.shared === shared) this.shared = undefined;
    shared.region.close();
  }

  /** An idle child must not keep the server's process alive; one with calls in flight must. */
  private idle(child: ChildProcess): void {
    child.unref();
    child.channel?.unref();
  }

  request<R extends Request>(msg: R): Promise<Replies[R['op']]> {
    const child = this.start();
    const { rid, reply } = this.replies.open<Replies[R['op']]>();
    child.ref();
    child.channel?.ref();
    const unreachable = (err: Error) =>
      this.replies.fail(rid, new Error(`could not reach the onnxruntime process: ${err.message}`));
    try {
      const shared = this.shared;
      const sent = shared ? shared.writer.place(msg, shared.consumed) : msg;
      child.send({ rid, msg: sent, consumed: shared?.reader.consumed ?? 0 }, (err) => err && unreachable(err));
    } catch (err) {
      unreachable(err as Error);
    }
    return reply;
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
    this.replies.failAll(new Error('the onnxruntime process was stopped by the server'));
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

/** A child's shared memory: the region, its replies' reader, its requests' writer and how far the child has read. */
type Shared = { region: SharedRegion; reader: SharedReader; writer: SharedWriter; consumed: number };

/** The reply with its shared tensors copied out, or a failed reply saying why they could not be. */
function taken(reader: SharedReader, msg: Reply): Reply {
  if (!msg.ok) return msg;
  try {
    return { ...msg, value: reader.take(msg.value) };
  } catch (err) {
    return { rid: msg.rid, ok: false, message: (err as Error).message };
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
