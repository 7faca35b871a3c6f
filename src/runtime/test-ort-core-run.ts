/**
 * Run as a process of its own by ort-core.test.ts (one process holds one libonnxruntime.so.1, and the test runner
 * has the bundled one): `node --import tsx test-ort-core-run.ts <worker|child|in-process> <device> [claim-gpu]`.
 * Opens a one-node session through OrtRuntime, as the server does, runs it, and prints one line of JSON: the
 * output, the provider and its reason, the log, and the libonnxruntime.so.1 files this process and the pipeline
 * process mapped. `claim-gpu` makes the facts say an NVIDIA GPU and the CUDA libraries are there.
 */
import { readFileSync } from 'node:fs';
import { ChildProcessTransport } from './child-transport';
import { GraphBuilder } from './graph-builder';
import { OrtRuntime } from './ort';
import { InProcessTransport } from './transport';
import { probeFacts, deviceRequestSchema } from './providers';

const [place, device, claim] = process.argv.slice(2);
const mapped = (pid: number | string) => {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  return [...new Set(maps.split('\n').flatMap((l) => (/\S*libonnxruntime\.so\.1$/.exec(l) ?? []).slice(0, 1)))];
};
const log: string[] = [];
const runtime = new OrtRuntime({
  worker: place === 'worker',
  transport:
    place === 'child' ? new ChildProcessTransport() : place === 'in-process' ? new InProcessTransport() : undefined,
  device: deviceRequestSchema.parse(device),
  facts:
    claim === 'claim-gpu'
      ? async () => ({ ...(await probeFacts()), nvidiaGpu: 'a GPU the test claims', missingLibs: {} })
      : undefined,
  log: (m) => log.push(m),
});
const g = new GraphBuilder('neg');
g.output(g.op('Neg', [g.input('x', 'float', [2])]), 'y', 'float', [2]);
const session = await runtime.createSession(g.toBytes());
const out = await session.run({ x: { type: 'float32', data: Float32Array.of(1, -2), dims: [2] } });
const result = {
  y: Array.from(out.y!.data as Float32Array),
  provider: runtime.executionProvider,
  reason: runtime.providerStatus()?.reason,
  log,
  here: mapped('self'),
  child: runtime.pid ? mapped(runtime.pid) : null,
};
await runtime.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
