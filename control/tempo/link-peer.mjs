// Ableton Link in a child process of its own: abletonlink 0.1.3 keeps a std::thread that is never joined, so every
// process that loads it aborts when it exits ("terminate called without an active exception"). Here that abort
// ends only this helper, never the server. Messages: state out every few ms, { bpm } and { stop } in.
import { createRequire } from 'node:module';
import { clearInterval, setInterval } from 'node:timers';

const require = createRequire(import.meta.url);
const send = (message) => process.send?.(message);
let Link;
try {
  Link = require('abletonlink');
} catch (err) {
  send({ type: 'unavailable', reason: `abletonlink could not be loaded: ${err.message.split('\n')[0]}` });
  process.exit(0);
}

const quantum = Number(process.env.LINK_QUANTUM) || 4;
const link = new Link(Number(process.env.LINK_BPM) || 120, quantum, true);
const report = () => {
  link.update();
  // Link's clock and process.hrtime are both CLOCK_MONOTONIC: the parent maps this instant onto its own timeline.
  const micros = Number(process.hrtime.bigint() / 1000n);
  send({ type: 'state', micros, beat: link.beat, bpm: link.bpm, peers: link.getNumPeers() });
};
const timer = setInterval(report, Number(process.env.LINK_INTERVAL_MS) || 10);
report();
process.on('message', (message) => {
  if (message?.type === 'bpm' && Number.isFinite(message.bpm)) link.bpm = message.bpm;
  if (message?.type === 'stop') {
    clearInterval(timer);
    link.disable();
    process.disconnect?.();
    // The abort at exit is the library's; exit straight away and let the parent ignore the signal.
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
