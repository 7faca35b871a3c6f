/**
 * Memory figures the platform gives: a process's resident set (read from outside, so a hung process is measured
 * too) and, on NVIDIA, GPU memory per device and per process from nvidia-smi. Each answers undefined or null where
 * the platform does not say, never throws.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** Resident memory of a process in bytes: /proc on Linux, `ps` on macOS; undefined elsewhere or when it is gone. */
export async function rssOf(pid: number): Promise<number | undefined> {
  if (pid === process.pid) return process.memoryUsage.rss();
  try {
    if (process.platform === 'linux') {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
      return kb === undefined ? undefined : Number(kb) * 1024;
    }
    if (process.platform === 'darwin') {
      const kb = Number((await run('ps', ['-o', 'rss=', '-p', String(pid)], 2000)).trim());
      return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
    }
  } catch {
    // Gone, or not ours to read.
  }
  return undefined;
}

export interface GpuDevice {
  name: string;
  usedBytes: number;
  totalBytes: number;
}

export interface GpuMemory {
  source: 'nvidia-smi';
  devices: GpuDevice[];
  /** GPU memory used by each process, by process id. */
  processes: Map<number, number>;
}

const MiB = 1024 * 1024;

/** Reads nvidia-smi's CSV answers (`--format=csv,noheader,nounits`, MiB). */
export function parseNvidiaSmi(gpus: string, apps: string): Omit<GpuMemory, 'source'> {
  const rows = (text: string) =>
    text
      .split('\n')
      .map((l) => l.split(',').map((c) => c.trim()))
      .filter((r) => r.length > 1);
  const devices = rows(gpus).map(([name, used, total]) => ({
    name: name ?? 'GPU',
    usedBytes: Number(used) * MiB,
    totalBytes: Number(total) * MiB,
  }));
  const processes = new Map<number, number>();
  for (const [pid, used] of rows(apps)) {
    const mib = Number(used);
    if (Number.isFinite(mib)) processes.set(Number(pid), (processes.get(Number(pid)) ?? 0) + mib * MiB);
  }
  return { devices: devices.filter((d) => Number.isFinite(d.totalBytes)), processes };
}

/**
 * Asks nvidia-smi for GPU memory (`command` is the program; tests pass a stand-in). Null where there is none: a
 * missing program is remembered, so a machine without NVIDIA is asked once.
 */
export class NvidiaSmi {
  private absent = false;

  constructor(private readonly command = 'nvidia-smi') {}

  async read(): Promise<GpuMemory | null> {
    if (this.absent) return null;
    try {
      const gpus = await run(
        this.command,
        ['--query-gpu=name,memory.used,memory.total', '--format=csv,noheader,nounits'],
        3000,
      );
      const apps = await run(
        this.command,
        ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'],
        3000,
      ).catch(() => '');
      const parsed = parseNvidiaSmi(gpus, apps);
      return parsed.devices.length > 0 ? { source: 'nvidia-smi', ...parsed } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.absent = true;
      return null;
    }
  }
}

function run(command: string, args: string[], timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout, encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}
