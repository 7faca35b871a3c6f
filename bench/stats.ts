import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile of a sample (q in 0..1). */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export function stddev(values: number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

export function median(values: number[]): number {
  return percentile(values, 0.5);
}

export const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Frames published per second over `seconds` of wall time, counted through `onFrame` (which returns its off). */
export async function loopFps(onFrame: (listener: () => void) => () => void, seconds: number): Promise<number> {
  let n = 0;
  const off = onFrame(() => n++);
  const start = performance.now();
  await sleep(seconds * 1000);
  off();
  return (n * 1000) / (performance.now() - start);
}
