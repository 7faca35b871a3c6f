import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildProcessTransport, describeExit } from './child-transport';
import { GraphBuilder } from './graph-builder';
import { OrtRuntime } from './ort';

/** y = -x over four floats. */
function negate(): Uint8Array {
  const g = new GraphBuilder('neg');
  g.output(g.op('Neg', [g.input('x', 'float', [4])]), 'y', 'float', [4]);
  return g.toBytes();
}
const x = { type: 'float32', data: Float32Array.of(1, 2, 3, 4), dims: [4] };

let runtimes: OrtRuntime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  runtimes = [];
});

/** A runtime whose sessions run in a child process with fault injection on (or off). */
function isolated(faults = true) {
  const lines: string[] = [];
  const runtime = new OrtRuntime({
    device: 'cpu',
    transport: new ChildProcessTransport({ faults, log: (m) => lines.push(m) }),
  });
  const lost: string[] = [];
  runtime.onLost((err) => lost.push(err.message));
  runtimes.push(runtime);
  return { runtime, lost, lines };
}

/** Minor page faults of a process so far (/proc/<pid>/stat, field 10). */
const minorFaults = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[7]);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('sessions in a child process', () => {
  it('run a real graph in another process, whose id the runtime knows', async () => {
    const { runtime } = isolated();
    const session = await runtime.createSession(negate());
    const out = await session.run({ x });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([-1, -2, -3, -4]);
    expect(runtime.pid).toBeGreaterThan(0);
    expect(runtime.pid).not.toBe(process.pid);
  });

  it.runIf(process.platform === 'linux')(
    'the child serves frame-sized outputs from the pages it already has, instead of faulting in fresh ones each run',
    async () => {
      const { runtime } = isolated(false);
      // 4 MiB back per run, from one byte: onnxruntime-node copies it into a new buffer of the child's each time.
      const bytes = 4 * 2 ** 20;
      const g = new GraphBuilder('frame');
      g.output(g.op('Expand', [g.input('x', 'uint8', [1]), g.int64s('shape', [bytes])]), 'y', 'uint8', [bytes]);
      const session = await runtime.createSession(g.toBytes());
      const x = { type: 'uint8', data: Uint8Array.of(7), dims: [1] };
      for (let i = 0; i < 50; i++) await session.run({ x });
      const before = minorFaults(runtime.pid!);
      for (let i = 0; i < 50; i++) await session.run({ x });
      const perRun = (minorFaults(runtime.pid!) - before) / 50;
      // Fresh pages would be 1,024 faults a run (4 MiB of 4 KiB pages); the heap's own pages, next to none.
      expect(perRun).toBeLessThan(bytes / 4096 / 8);
    },
  );

  it('a native abort ends the child only: the runtime hears why, and the next session starts a new one', async () => {
    const { runtime, lost } = isolated();
    const session = await runtime.createSession(negate());
    const first = runtime.pid!;
    await expect(runtime.injectFault({ kind: 'crash' })).rejects.toThrow(/SIGABRT/);
    expect(lost).toEqual([expect.stringContaining('crashed (SIGABRT')]);
    // The old session went with its process, and says so instead of starting another process to fail in.
    await expect(session.run({ x })).rejects.toThrow(/the session is gone when the onnxruntime worker stopped/);
    const again = await runtime.createSession(negate());
    expect(Array.from((await again.run({ x })).y!.data as Float32Array)).toEqual([-1, -2, -3, -4]);
    expect(runtime.pid).not.toBe(first);
  });

  it('a hung child is killed on demand: the call in flight fails at once and no loss is reported', async () => {
    const { runtime, lost } = isolated();
    const session = await runtime.createSession(negate());
    const pid = runtime.pid!;
    // The child blocks for a minute, as a native call that never returns would.
    const hang = runtime.injectFault({ kind: 'hang', ms: 60_000 });
    const run = session.run({ x });
    const killed = runtime.kill();
    await Promise.all([
      expect(hang).rejects.toThrow(/stopped by the server/),
      expect(run).rejects.toThrow(/stopped by the server/),
      killed,
    ]);
    expect(lost).toEqual([]);
    // kill() resolves once the process has exited and been reaped.
    expect(alive(pid)).toBe(false);
  });

  it('refuses faults unless the server turned fault injection on', async () => {
    const { runtime } = isolated(false);
    await expect(runtime.injectFault({ kind: 'crash' })).rejects.toThrow(/fault injection is off/);
    const session = await runtime.createSession(negate());
    expect(Array.from((await session.run({ x })).y!.data as Float32Array)).toEqual([-1, -2, -3, -4]);
  });

  it('faults need a child process: the worker thread refuses them instead of taking the server down', async () => {
    const runtime = new OrtRuntime({ device: 'cpu', worker: true });
    runtimes.push(runtime);
    await expect(runtime.injectFault({ kind: 'crash' })).rejects.toThrow(/needs the sessions in a child process/);
  });

  it('close releases the sessions and ends the process', async () => {
    const { runtime, lost } = isolated();
    await runtime.createSession(negate());
    const pid = runtime.pid!;
    await runtime.close();
    expect(alive(pid)).toBe(false);
    expect(lost).toEqual([]);
  });
});

describe('describeExit', () => {
  it.each([
    [null, 'SIGKILL', /killed \(SIGKILL: usually the system running out of memory\)/],
    [null, 'SIGABRT', /crashed \(SIGABRT: a native abort\)/],
    [null, 'SIGSEGV', /crashed \(SIGSEGV\)/],
    [3, null, /exited with code 3/],
  ] as const)('%s %s', (code, signal, text) => {
    expect(describeExit(code, signal)).toMatch(text);
  });
});
