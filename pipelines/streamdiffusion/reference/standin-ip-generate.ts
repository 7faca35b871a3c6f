import { Worker } from 'node:worker_threads';
import type { StandinOptions } from '../standin/write';
import type { AdapterFiles } from './adapter-files';

/** Runs writeStandinIp (with `controlnet`, the combined UNet too) in a worker thread (the event loop keeps serving); resolves to the adapter's files. */
export function generateStandinIp(
  root: string,
  options: Partial<StandinOptions> & { controlnet?: boolean },
): Promise<AdapterFiles> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./standin-ip-worker.mjs', import.meta.url), { workerData: { root, options } });
    let settled = false;
    worker.on('message', (m: { kind: string; files?: AdapterFiles; message?: string }) => {
      if (m.kind === 'done') {
        settled = true;
        const { encoder, unet, controlUnet } = m.files!;
        resolve({ encoder, unet, ...(controlUnet ? { controlUnet } : {}) });
      } else if (m.kind === 'error') {
        settled = true;
        reject(new Error(`generating the stand-in IP-Adapter failed: ${m.message}`));
      }
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the stand-in IP-Adapter generator stopped (code ${code})`));
    });
  });
}
