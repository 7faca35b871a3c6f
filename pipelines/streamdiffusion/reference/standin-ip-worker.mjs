// Generates the stand-in IP-Adapter off the main thread (1.5 G random weights take minutes), as
// standin/generate-worker.mjs does for the model; tsx compiles the TypeScript here.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { writeStandinIp } = await import('./standin-ip-write.ts');
try {
  const files = await writeStandinIp(workerData.root, workerData.options, (network, fraction) =>
    parentPort.postMessage({ kind: 'progress', network, fraction }),
  );
  parentPort.postMessage({ kind: 'done', files });
} catch (err) {
  parentPort.postMessage({ kind: 'error', message: err?.message ?? String(err) });
}
