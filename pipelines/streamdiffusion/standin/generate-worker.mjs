// Generates a stand-in model off the main thread: drawing 866 M random weights takes tens of seconds, during
// which the server must keep serving frames. tsx (a dependency, as for `npm start`) compiles the TypeScript here.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { writeStandin } = await import('./write.ts');
try {
  const dir = await writeStandin(workerData.root, workerData.options, (network, fraction) =>
    parentPort.postMessage({ kind: 'progress', network, fraction }),
  );
  parentPort.postMessage({ kind: 'done', dir });
} catch (err) {
  parentPort.postMessage({ kind: 'error', message: err?.message ?? String(err) });
}
