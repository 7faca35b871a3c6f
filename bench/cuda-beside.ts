/**
 * The CUDA provider beside the bench's own provider, through the onnxruntime core `daydream-scope cuda-core`
 * assembles (onnxruntime 1.29 with CUDA 13 providers), when this process runs the bundled onnxruntime-node: one
 * process holds one libonnxruntime.so.1, so the CUDA rows run in a process of their own (gpu-all.ts `--cuda-rows`)
 * with DAYDREAM_SCOPE_ORT_CORE set, and come back as JSON. The core is the one `--cuda-core <dir>` names, else the
 * one in the models folder.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CUDA_CORE, coreName, defaultCoreParent } from '../src/cuda-core/pins';
import { checkCore, resolveOrtCore } from '../src/runtime/ort-core';
import { OrtRuntime } from '../src/runtime/ort';
import type { ScopeEnvName } from '../src/flag-env';
import type { FastTierResult } from './fast-tier';

const CORE_ENV: ScopeEnvName = 'DAYDREAM_SCOPE_ORT_CORE';

/** The CUDA provider's choice in this process (its onnxruntime): null when CUDA loads, else why not. */
export async function cudaUnavailable(): Promise<string | null> {
  const runtime = new OrtRuntime({ device: 'cuda' });
  try {
    const choice = await runtime.provider();
    return choice.provider === 'cuda' ? null : choice.reason;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await runtime.close();
  }
}

/**
 * The core to run CUDA beside through: the one named, else the assembled one in the models folder; null when this
 * process already runs a core (CUDA is then tried in it) or none is there.
 */
export function coreBeside(named: string | undefined): { dir: string } | { problem: string } | null {
  if (resolveOrtCore().core) return null;
  const dir = resolve(named ?? join(defaultCoreParent(), coreName(CUDA_CORE)));
  const checked = checkCore(dir);
  if (typeof checked !== 'string') return { dir };
  return named ? { problem: `--cuda-core ${named}: ${checked}` } : null;
}

/** The CUDA rows' process is stopped after this long (a lease is ten minutes). */
const CUDA_ROWS_LIMIT_MS = 240_000;

/** What the CUDA process answers: its rows, or why CUDA did not load there. */
export type CudaRows = { tier: FastTierResult } | { skipped: string };

/** Runs gpu-all.ts `--cuda-rows` with these arguments in a process on the core; its log goes to stderr. */
export async function runCudaBeside(core: string, args: string[]): Promise<CudaRows> {
  const tmp = await mkdtemp(join(tmpdir(), 'cuda-beside-'));
  const out = join(tmp, 'rows.json');
  try {
    const script = fileURLToPath(new URL('./gpu-all.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--cuda-rows', '--json', out, ...args], {
      env: { ...process.env, [CORE_ENV]: core },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    // A CUDA process that hangs (a driver stuck in its first session) must not hold the bench past its lease.
    const kill = setTimeout(() => child.kill('SIGKILL'), CUDA_ROWS_LIMIT_MS);
    const code = await new Promise<number | string | null>((done) => {
      child.on('close', done);
      child.on('error', (err) => done(err.message));
    }).finally(() => clearTimeout(kill));
    try {
      return JSON.parse(await readFile(out, 'utf8')) as CudaRows;
    } catch {
      return { skipped: `the CUDA process ended (code ${code}) without rows` };
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
