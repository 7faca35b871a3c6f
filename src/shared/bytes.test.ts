import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1500, '1.5 kB'],
    [41_000, '41.0 kB'],
    [400_000, '400 kB'],
    [345_000_000, '345 MB'],
    [2_600_000_000, '2.6 GB'],
    [5.2e12, '5.2 TB'],
    [3e15, '3000 TB'],
  ])('writes %i bytes in decimal units (files, downloads) as %s', (n, text) => {
    expect(formatBytes(n, { base: 1000 })).toBe(text);
  });

  it.each([
    [1000, '1000 B'],
    [4 * MiB, '4.0 MB'],
    [310 * MiB, '310 MB'],
    [1000 * MiB, '1000 MB'],
    [1.44 * GiB, '1.4 GB'],
    [4 * GiB, '4.0 GB'],
    [140 * GiB, '140 GB'],
  ])('writes %i bytes in binary units (memory, as --memory-budget reads them) as %s', (n, text) => {
    expect(formatBytes(n, { base: 1024 })).toBe(text);
  });

  it('states the same size differently in the two bases, so the caller says which it means', () => {
    expect(formatBytes(4 * GiB, { base: 1000 })).toBe('4.3 GB');
    expect(formatBytes(4 * GiB, { base: 1024 })).toBe('4.0 GB');
  });
});
