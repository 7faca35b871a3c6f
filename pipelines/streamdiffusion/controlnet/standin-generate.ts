import { Worker } from 'node:worker_threads';
import type { StandinControlOptions } from './standin-controlnet';

/** Runs writeStandinControlNets in a worker thread (the event loop keeps serving); resolves to the folder. */
export function generateStandinControlNets(
  standinDir: string,
  options: StandinControlOptions,
  progress: (stage: string, fraction: number) => void = () => {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./standin-worker.mjs', import.meta.url), {
      workerData: { dir: standinDir, options },
    });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    worker.on('message', (m: { kind: string; stage?: string; fraction?: number; dir?: string; message?: string }) => {
      if (m.kind === 'progress') progress(m.stage!, m.fraction!);
      else if (m.kind === 'done') settle(() => resolve(m.dir!));
      else if (m.kind === 'error')
        settle(() => reject(new Error(`generating the stand-in ControlNets failed: ${m.message}`)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the stand-in ControlNet generator stopped (code ${code})`))),
    );
  });
}
