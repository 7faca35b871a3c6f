/** Download speed, time left, and how both read in a terminal. */
import { DECIMAL, formatBytes } from '../shared/bytes';

/** Bytes per second over the last few seconds; a window, so a stall shows up quickly and a burst does not last. */
export class RateMeter {
  private samples: { t: number; bytes: number }[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = 5000,
  ) {}

  /** Records the running byte count. */
  add(bytes: number): void {
    const t = this.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[1]!.t > this.windowMs) this.samples.shift();
  }

  /** Bytes per second; 0 until two samples some time apart exist. */
  get rate(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.t <= first.t) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }

  reset(): void {
    this.samples = [];
  }
}

/** Seconds left at a rate, or null when it cannot be told. */
export function eta(bytes: number, total: number | null, rate: number): number | null {
  if (total === null || rate <= 0) return null;
  return Math.max(0, Math.ceil((total - bytes) / rate));
}

/** `1:02:03`, `4:05`, `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${r}`;
  return m > 0 ? `${m}:${r}` : `${s}s`;
}

export interface ProgressLine {
  label: string;
  bytes: number;
  total: number | null;
  rate: number;
  eta: number | null;
}

/** One terminal line: `sd-turbo  [#########-----------]  45%  1.2 GB / 2.6 GB  34.5 MB/s  ETA 0:41`. */
export function progressBar(p: ProgressLine, width = 80): string {
  const amount =
    p.total === null
      ? formatBytes(p.bytes, DECIMAL)
      : `${formatBytes(p.bytes, DECIMAL)} / ${formatBytes(p.total, DECIMAL)}`;
  const rate = p.rate > 0 ? `  ${formatBytes(Math.round(p.rate), DECIMAL)}/s` : '';
  const left = p.eta === null ? '' : `  ETA ${formatDuration(p.eta)}`;
  if (p.total === null || p.total === 0) return `${p.label}  ${amount}${rate}`.slice(0, width);
  const fraction = Math.min(1, p.bytes / p.total);
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  const tail = `${pct}  ${amount}${rate}${left}`;
  // The bar's width depends on the label only, so it stays put while the numbers after it change length.
  const barWidth = Math.max(10, Math.min(30, width - p.label.length - 52));
  const filled = Math.floor(fraction * barWidth);
  return `${p.label}  [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${tail}`.slice(0, width);
}
