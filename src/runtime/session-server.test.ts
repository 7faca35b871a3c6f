import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder';
import { OrtRuntime } from './ort';
import { SessionServer } from './session-server';
import type { Replies, Request } from './session-protocol';
import { InProcessTransport } from './transport';
import type { SessionTransport } from './transport';

function negate(): Uint8Array {
  const g = new GraphBuilder('neg');
  g.output(g.op('Neg', [g.input('x', 'float', [4])]), 'y', 'float', [4]);
  return g.toBytes();
}

const x = { kind: 'plain' as const, type: 'float32', dims: [4], data: Float32Array.of(1, 2, 3, 4) };

describe('SessionServer', () => {
  it('refuses a GPU buffer fed to a CPU session instead of reading its address as data', async () => {
    const server = new SessionServer(ort);
    const create = (sid: number, providers: string[]) =>
      server.handle({
        op: 'create',
        sid,
        model: negate(),
        options: { executionProviders: providers },
        hostOutputs: [],
      });
    await create(0, ['webgpu']);
    await create(1, ['cpu']);
    const run = await server.handle({ op: 'run', sid: 0, feeds: { x }, keep: ['y'] });
    const kept = (run.value as Replies['run']).outputs.y!;
    expect(kept).toMatchObject({ kind: 'handle', location: 'gpu-buffer' });
    const id = (kept as { id: number }).id;
    await expect(server.handle({ op: 'run', sid: 1, feeds: { x: { kind: 'handle', id } }, keep: [] })).rejects.toThrow(
      /is in a GPU buffer and this session runs on the CPU/,
    );
    // The buffer is intact and reads back through the download session.
    const read = (await server.handle({ op: 'read', id })).value as Replies['read'];
    expect(Array.from(read.tensor.data as Float32Array)).toEqual([-1, -2, -3, -4]);
    await server.close();
  });

  it('names a host output the model does not have', async () => {
    const server = new SessionServer(ort);
    const request: Request = {
      op: 'create',
      sid: 0,
      model: negate(),
      options: { executionProviders: ['webgpu'] },
      hostOutputs: ['rgba'],
    };
    await expect(server.handle(request)).rejects.toThrow(/hostOutputs: the model has no output rgba/);
    await server.close();
  });
});

/** The in-process transport, with a switch that makes it lost like a worker that died. */
class LosableTransport implements SessionTransport {
  private readonly inner = new InProcessTransport();
  private listeners: ((err: Error) => void)[] = [];
  request<R extends Request>(msg: R) {
    return this.inner.request(msg);
  }
  onLost(listener: (err: Error) => void) {
    this.listeners.push(listener);
  }
  lose() {
    for (const l of this.listeners) l(new Error('code 134'));
  }
  close() {
    return this.inner.close();
  }
}

describe('a lost transport', () => {
  it('takes its handles with it and the next session starts a fresh one', async () => {
    const transport = new LosableTransport();
    const rt = new OrtRuntime({ device: 'cpu', transport });
    const s = await rt.createSession(negate());
    const { y } = await s.run({ x }, { keep: ['y'] });
    transport.lose();
    await expect(rt.read(y)).rejects.toThrow(/was released when the onnxruntime worker stopped \(code 134\)/);
    expect(rt.handleStats().count).toBe(0);
    await rt.close();
  });
});
