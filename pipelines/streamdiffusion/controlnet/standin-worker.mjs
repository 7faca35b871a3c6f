// Generates the stand-in ControlNets off the main thread: the ControlNet UNet alone is 866 M random weights, tens
// of seconds during which the server must keep serving frames. tsx compiles the TypeScript here, as for the model.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { writeStandinControlNets } = await import('./standin-controlnet.ts');
try {
  const dir = await writeStandinControlNets(workerData.dir, workerData.options, (stage, fraction) =>
    parentPort.postMessage({ kind: 'progress', stage, fraction }),
  );
  parentPort.postMessage({ kind: 'done', dir });
} catch (err) {
  parentPort.postMessage({ kind: 'error', message: err?.message ?? String(err) });
}
