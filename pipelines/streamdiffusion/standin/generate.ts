import { Worker } from 'node:worker_threads';
import type { StandinOptions } from './write';

/** Runs writeStandin in a worker thread (the event loop keeps serving); resolves to the model's folder. */
export function generateStandin(
  root: string,
  options: Partial<StandinOptions>,
  progress: (network: string, fraction: number) => void = () => {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./generate-worker.mjs', import.meta.url), { workerData: { root, options } });
    let settled = false;
    worker.on('message', (m: { kind: string; network?: string; fraction?: number; dir?: string; message?: string }) => {
      if (m.kind === 'progress') progress(m.network!, m.fraction!);
      else if (m.kind === 'done') {
        settled = true;
        resolve(m.dir!);
      } else if (m.kind === 'error') {
        settled = true;
        reject(new Error(`generating the stand-in model failed: ${m.message}`));
      }
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the stand-in generator stopped (code ${code})`));
    });
  });
}
