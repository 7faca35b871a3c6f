import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NvidiaSmi, parseNvidiaSmi, rssOf } from './process-memory';

const MiB = 1024 * 1024;

describe('parseNvidiaSmi', () => {
  it('reads devices and per-process memory in MiB, summing a process seen on two GPUs', () => {
    const parsed = parseNvidiaSmi(
      'NVIDIA H200, 1024, 143771\nNVIDIA H200, 0, 143771\n',
      '4242, 700\n4242, 100\n17, 50\n',
    );
    expect(parsed.devices).toEqual([
      { name: 'NVIDIA H200', usedBytes: 1024 * MiB, totalBytes: 143771 * MiB },
      { name: 'NVIDIA H200', usedBytes: 0, totalBytes: 143771 * MiB },
    ]);
    expect(parsed.processes.get(4242)).toBe(800 * MiB);
    expect(parsed.processes.get(17)).toBe(50 * MiB);
  });

  it('drops rows that are not figures ([N/A] on some drivers)', () => {
    expect(parseNvidiaSmi('GPU, [N/A], [N/A]\n', '').devices).toEqual([]);
  });
});

describe('rssOf', () => {
  it("reads this process's resident memory, and nothing for a process that does not exist", async () => {
    expect(await rssOf(process.pid)).toBeGreaterThan(10 * MiB);
    expect(await rssOf(2 ** 22 + 12345)).toBeUndefined();
  });
});

describe('NvidiaSmi', () => {
  it('answers null where nvidia-smi is missing', async () => {
    expect(await new NvidiaSmi('/nonexistent/nvidia-smi').read()).toBeNull();
  });

  it("reads a stand-in program's CSV answers", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smi-'));
    const program = join(dir, 'nvidia-smi');
    // Answers like the real one: devices for --query-gpu, processes for --query-compute-apps.
    await writeFile(
      program,
      '#!/bin/sh\ncase "$1" in --query-gpu*) echo "Test GPU, 512, 8192";; *) echo "99, 256";; esac\n',
    );
    await chmod(program, 0o755);
    const gpu = await new NvidiaSmi(program).read();
    expect(gpu?.devices).toEqual([{ name: 'Test GPU', usedBytes: 512 * MiB, totalBytes: 8192 * MiB }]);
    expect(gpu?.processes.get(99)).toBe(256 * MiB);
  });
});
