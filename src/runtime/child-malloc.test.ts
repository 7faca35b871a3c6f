import { describe, expect, it } from 'vitest';
import { childMallocTunables } from './child-malloc';

describe('childMallocTunables', () => {
  it.each([
    {
      why: 'none set: both thresholds',
      existing: undefined,
      want: 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864',
    },
    {
      why: 'other tunables of the user stay, first',
      existing: 'glibc.cpu.hwcaps=-AVX512F',
      want: 'glibc.cpu.hwcaps=-AVX512F:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864',
    },
    {
      why: 'a threshold the user set is theirs, the other is added',
      existing: 'glibc.malloc.trim_threshold=1000',
      want: 'glibc.malloc.trim_threshold=1000:glibc.malloc.mmap_threshold=33554432',
    },
    {
      why: 'both set by the user: unchanged',
      existing: 'glibc.malloc.mmap_threshold=1:glibc.malloc.trim_threshold=2',
      want: 'glibc.malloc.mmap_threshold=1:glibc.malloc.trim_threshold=2',
    },
  ])('$why', ({ existing, want }) => {
    expect(childMallocTunables(existing)).toBe(want);
  });
});
