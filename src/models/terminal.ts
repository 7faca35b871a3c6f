/**
 * Download progress in a terminal: one bar redrawn in place when stdout is a TTY, plain lines every 10% when it is
 * a pipe or a log file (a CI job, `| tee`), where carriage returns would make a mess.
 */
import { progressBar } from './progress';
import { DECIMAL, formatBytes } from '../shared/bytes';
import type { ModelStatus } from './status';

/** The part of a stream the printer writes to; `process.stdout` fits. */
export interface TextOut {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressPrinter {
  private current: string | null = null;
  private drawn = false;
  private lastDecile = 0;

  constructor(private readonly out: TextOut) {}

  /** Starts following one model; events of others (and late ones) are ignored. */
  start(id: string): void {
    this.current = id;
    // Piped output starts at 10 %: "Downloading …" already said that it began.
    this.lastDecile = 0;
  }

  update(status: ModelStatus | undefined): void {
    if (!status || status.id !== this.current || status.state !== 'downloading') return;
    this.render(status);
  }

  /** Draws the final state and ends the line; nothing more is drawn for this model. */
  finish(status?: ModelStatus): void {
    if (status && status.id === this.current && status.state === 'ready' && this.out.isTTY) this.render(status);
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
    this.current = null;
  }

  /** A message between bars: the bar is cleared, the message printed, the bar drawn again at the next update. */
  log(message: string): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
    this.out.write(`${message}\n`);
  }

  private render(s: ModelStatus): void {
    const file =
      s.files.find((f) => f.state === 'downloading') ?? s.files.find((f) => f.state !== 'ready') ?? s.files.at(-1);
    const label = file ? `${s.id} ${file.file}` : s.id;
    const { bytes, total, rate, eta } = s.progress;
    if (this.out.isTTY) {
      const line = progressBar(
        { label, bytes, total, rate, eta: s.state === 'ready' ? null : eta },
        this.out.columns ?? 80,
      );
      this.out.write(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    if (total === null || total === 0) return;
    const decile = Math.floor((bytes / total) * 10);
    if (decile <= this.lastDecile) return;
    this.lastDecile = decile;
    const speed = rate > 0 ? `, ${formatBytes(Math.round(rate), DECIMAL)}/s` : '';
    this.out.write(
      `${label}: ${decile * 10}% (${formatBytes(bytes, DECIMAL)} of ${formatBytes(total, DECIMAL)}${speed})\n`,
    );
  }
}
