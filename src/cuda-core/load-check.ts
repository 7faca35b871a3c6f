/**
 * Loads an assembled core in a process of its own (this one may hold the bundled onnxruntime already, and a process
 * holds one libonnxruntime.so.1) and asks its binding what it offers: onnxruntime-node registers CUDA and TensorRT
 * as shared providers, listed with `bundled: false` and loaded from beside libonnxruntime.so.1 on first use.
 */
import { execFile } from 'node:child_process';
import { z } from 'zod';
import { corePackageDir } from '../runtime/ort-core';

const answer = z.object({
  version: z.string(),
  backends: z.array(z.object({ name: z.string(), bundled: z.boolean() })),
});
export type CoreLoad = z.infer<typeof answer>;

const script = `const o = require(process.argv[1]);
process.stdout.write(JSON.stringify({ version: o.env.versions.node, backends: o.listSupportedBackends() }));`;

/** What the core's binding says once loaded, or a sentence saying why it did not load. */
export function loadCheck(core: string): Promise<CoreLoad | { problem: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script, corePackageDir(core)], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return resolve({ problem: `it did not load: ${stderr.trim().split('\n')[0] || err.message}` });
      try {
        const parsed = answer.safeParse(JSON.parse(stdout));
        resolve(parsed.success ? parsed.data : { problem: `its binding answered ${stdout.slice(0, 200)}` });
      } catch {
        resolve({ problem: `its binding answered ${stdout.slice(0, 200)}` });
      }
    });
  });
}

/** Whether the loaded core offers CUDA as a shared provider; a sentence when it does not. */
export function cudaOffered(load: CoreLoad): string | null {
  const cuda = load.backends.find((b) => b.name === 'cuda');
  if (!cuda) return `its binding (onnxruntime-node ${load.version}) lists no CUDA provider`;
  if (cuda.bundled) return `its binding lists CUDA as bundled, not as a provider library loaded beside it`;
  return null;
}
