import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingProviderLibs, notFound } from './missing-libs';

const lddOutput = `	linux-vdso.so.1 (0x00007ffd)
	libcublasLt.so.13 => not found
	libcublas.so.13 => not found
	libcudart.so.13 => /usr/local/cuda-13.0/lib/libcudart.so.13 (0x00007f5a78e00000)
	libcuda.so.1 => not found
	libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f5a78c1e000)
`;

describe('missing provider libraries', () => {
  it('reads the names ldd could not find, in its order', () => {
    expect(notFound(lddOutput)).toEqual(['libcublasLt.so.13', 'libcublas.so.13', 'libcuda.so.1']);
    expect(notFound('\tlibc.so.6 => /lib/libc.so.6 (0x1)\n')).toEqual([]);
  });

  it('asks only about the provider libraries present, and leaves out what ldd cannot answer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'missing-libs-'));
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'libonnxruntime_providers_cuda.so'), '');
      const asked: string[] = [];
      const found = await missingProviderLibs(dir, async (file) => (asked.push(file), lddOutput));
      expect(asked).toEqual([join(dir, 'libonnxruntime_providers_cuda.so')]);
      expect(found).toEqual({ cuda: ['libcublasLt.so.13', 'libcublas.so.13', 'libcuda.so.1'] });
      await writeFile(join(dir, 'libonnxruntime_providers_tensorrt.so'), '');
      expect(await missingProviderLibs(dir, async () => null)).toEqual({});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
