/**
 * Run by ffmpeg.test.ts as a separate server stand-in (`node --import tsx test-child.ts <clip>`): plays the clip
 * through a FileSource, prints `{"pid": <watchdog pid>}` at the first frame, then waits to be killed.
 */
import { FileSource } from './file-source';
import { realTimers } from '../../src/kernel/timers';

const clip = process.argv[2]!;
const source = new FileSource('clip', clip, { loop: true });
let told = false;
await source.start({
  frame: () => {
    if (told) return;
    told = true;
    process.stdout.write(`${JSON.stringify({ pid: source.pid })}\n`);
  },
  lost: (reason) => process.stderr.write(`lost: ${reason}\n`),
  waiting: () => {},
  log: () => {},
  changed: () => {},
  timers: realTimers,
});
// Kept alive until the test kills it (that is what it checks: no ffmpeg left behind).
setInterval(() => {}, 60_000);
