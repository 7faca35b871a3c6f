import { performance } from 'node:perf_hooks';
import { liveScope } from './scope';
import { mean, percentile, sleep, stddev } from './stats';

export interface PacingResult {
  fps: number;
  frames: number;
  intervalMean: number;
  intervalStddev: number;
  intervalP99: number;
  late: number;
  dropped: number;
  renderP50: number;
}

/** Frame-interval regularity as an output sees it: publish times of the live loop at `fps`. */
export async function framePacing(o: {
  pipeline: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
}): Promise<PacingResult> {
  const scope = await liveScope(o);
  try {
    await sleep(1000); // warm-up: first runs of a session allocate
    const times: number[] = [];
    const off = scope.services.engine.onFrame(() => times.push(performance.now()));
    const before = scope.services.engine.getStats();
    await sleep(o.seconds * 1000);
    off();
    const after = scope.services.engine.getStats();
    const intervals = times.slice(1).map((t, i) => t - times[i]!);
    return {
      fps: (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000),
      frames: times.length,
      intervalMean: mean(intervals),
      intervalStddev: stddev(intervals),
      intervalP99: percentile(intervals, 0.99),
      late: after.late - before.late,
      dropped: after.dropped - before.dropped,
      renderP50: after.frameTimeP50,
    };
  } finally {
    await scope.stop();
  }
}
