/**
 * MTC through the MIDI service: every input's system messages go through an assembler of its own to the timecode
 * service (when the source is MTC), and MTC out goes to the outputs `--mtc-out` names, never back to the device
 * the MTC comes from.
 */
import { MtcAssembler } from './mtc';
import { MtcOut } from './mtc-out';
import type { MidiBytes } from '../midi/backend';
import type { PortChoice } from '../midi/ports';
import type { MidiService } from '../midi/service';
import type { TimecodeService } from '../../src/perform';

export interface MtcMidiOptions {
  midi: Pick<MidiService, 'onSystem' | 'sendTo'>;
  timecode: Pick<TimecodeService, 'hear' | 'position' | 'source'>;
  clock: { now(): number; after(ms: number, fn: () => void): () => void };
  /** Outputs that receive MTC (names or parts of names); none: no MTC out. */
  out: PortChoice;
  /** How often MTC out is pumped; 0: never by itself (tests call pump()). */
  pumpMs: number;
}

export interface MtcMidi {
  /** Sends the MTC due at `t`. */
  pump(t?: number): void;
  /** The devices MTC out reached last. */
  reached(): string[];
  stop(): void;
}

export function mtcOverMidi(o: MtcMidiOptions): MtcMidi {
  const assemblers = new Map<string, MtcAssembler>();
  let from: string | undefined;
  const hear = (device: string, bytes: MidiBytes) => {
    if (o.timecode.source !== 'mtc') return;
    // Two senders at once would fight: while one runs, the others are not heard.
    if (from !== undefined && device !== from && o.timecode.position()?.running) return;
    let a = assemblers.get(device);
    if (!a) assemblers.set(device, (a = new MtcAssembler()));
    const heard = a.feed(bytes);
    if (!heard) return;
    from = device;
    o.timecode.hear({
      frames: heard.frames,
      rate: heard.rate,
      reverse: heard.reverse,
      locate: heard.full,
      at: o.clock.now(),
    });
  };
  const removeListener = o.midi.onSystem(hear);
  let reached: string[] = [];
  const out = new MtcOut(
    (t) => o.timecode.position(t),
    (bytes) => (reached = o.midi.sendTo(o.out, bytes, from)),
  );
  let cancel: (() => void) | undefined;
  const loop = () => {
    out.pump(o.clock.now());
    cancel = o.clock.after(o.pumpMs, loop);
  };
  if (o.out.length > 0 && o.pumpMs > 0) loop();
  return {
    pump: (t = o.clock.now()) => out.pump(t),
    reached: () => reached,
    stop: () => {
      cancel?.();
      removeListener();
    },
  };
}
