import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { encodeMessage } from '../control/osc/codec';
import { liveScope } from './scope';
import { sleep } from './stats';

export interface ThroughputStep {
  /** Messages per second the sender aimed at. */
  offered: number;
  /** Datagrams the sender really put on the wire per second. */
  sent: number;
  /** Messages the OSC service received and applied per second. */
  applied: number;
  /** Share of sent datagrams the kernel dropped before the server read them (receive buffer full). */
  lost: number;
  /** Frames published per second during the step, and frame slots dropped or repeated late. */
  fps: number;
  dropped: number;
  late: number;
}

/**
 * The sender runs in a worker thread, as TouchDesigner would run in its own process: it shares the CPU with the
 * server but not its event loop. It paces itself by the clock: after t seconds it has sent rate * t datagrams.
 */
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const { port, rate, seconds, packets } = workerData;
const socket = dgram.createSocket('udp4');
const start = performance.now();
let sent = 0, inFlight = 0;
function pump() {
  const elapsed = (performance.now() - start) / 1000;
  if (elapsed >= seconds) {
    const finish = () => (inFlight > 0 ? setTimeout(finish, 5) : (socket.close(), parentPort.postMessage({ sent, elapsed })));
    return finish();
  }
  const due = Math.floor(rate * elapsed);
  // Bounded bursts keep the socket's send queue from growing without end when the machine cannot keep up.
  while (sent < due && inFlight < 256) {
    inFlight++;
    socket.send(packets[sent % packets.length], port, '127.0.0.1', () => inFlight--);
    sent++;
  }
  setImmediate(pump);
}
pump();
`;

function send(port: number, rate: number, seconds: number, packets: Uint8Array[]) {
  return new Promise<{ sent: number; elapsed: number }>((resolve, reject) => {
    const worker = new Worker(SENDER, { eval: true, workerData: { port, rate, seconds, packets } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/**
 * OSC throughput with the loop at `fps`: for each offered rate, how many messages per second were applied and
 * whether the loop kept its frame rate (dropped/late frame slots during the step).
 */
export async function oscThroughput(o: {
  pipeline: string;
  width: number;
  height: number;
  fps: number;
  rates: number[];
  seconds: number;
}): Promise<ThroughputStep[]> {
  const scope = await liveScope(o);
  try {
    const port = scope.osc?.port;
    if (!port) throw new Error('OSC is off in this scope');
    // A fader sweep on a runtime parameter, as a performer's control surface would send it.
    const packets = Array.from({ length: 1000 }, (_, i) =>
      encodeMessage({ address: '/scope/hue', args: [{ type: 'f', value: (i % 1000) / 1000 }] }),
    );
    await sleep(1000);
    const steps: ThroughputStep[] = [];
    for (const rate of o.rates) {
      const osc0 = scope.osc!.status();
      const s0 = scope.services.engine.getStats();
      const t0 = performance.now();
      const { sent } = await send(port, rate, o.seconds, packets);
      await sleep(200); // what is still in the socket buffer is read
      const seconds = (performance.now() - t0) / 1000;
      const osc1 = scope.osc!.status();
      const s1 = scope.services.engine.getStats();
      const received = osc1.received - osc0.received;
      steps.push({
        offered: rate,
        sent: sent / o.seconds,
        applied: (osc1.applied - osc0.applied) / o.seconds,
        lost: sent > 0 ? Math.max(0, sent - received) / sent : 0,
        fps: (s1.frames - s0.frames) / seconds,
        dropped: s1.dropped - s0.dropped,
        late: s1.late - s0.late,
      });
    }
    return steps;
  } finally {
    await scope.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const steps = await oscThroughput({
    pipeline: 'neural-field',
    width: 512,
    height: 512,
    fps: 30,
    rates: [1000, 5000, 10_000, 20_000],
    seconds: 3,
  });
  console.table(steps);
}
