/**
 * The real MIDI backend: easymidi (RtMidi underneath), loaded on first use so a machine without MIDI, or without
 * the native module, still installs and serves. Its parsed events are turned back into raw bytes for the service.
 */
import type { EventEmitter } from 'node:events';
import type * as easymidi from 'easymidi';
import type { MidiBackend, MidiBytes } from './backend';

type Easymidi = typeof easymidi;
type EasyMessage = { _type?: string; [key: string]: unknown };

/** System messages easymidi names, with their status byte (RtMidi hands them over: easymidi ignores none). */
const SYSTEM: Record<string, number> = { clock: 0xf8, start: 0xfa, continue: 0xfb, stop: 0xfc };

/** easymidi's parsed event as raw bytes; active sensing, resets and the like are dropped here. */
export function easyToBytes(msg: EasyMessage): MidiBytes | undefined {
  const ch = Number(msg.channel ?? 0) & 0x0f;
  const n = (key: string) => Number(msg[key] ?? 0) & 0x7f;
  switch (msg._type) {
    case 'noteon':
      return [0x90 | ch, n('note'), n('velocity')];
    case 'noteoff':
      return [0x80 | ch, n('note'), n('velocity')];
    case 'cc':
      return [0xb0 | ch, n('controller'), n('value')];
    case 'program':
      return [0xc0 | ch, n('number')];
    case 'pitch': {
      const value = Number(msg.value ?? 8192) & 0x3fff;
      return [0xe0 | ch, value & 0x7f, value >> 7];
    }
    case 'position': {
      const value = Number(msg.value ?? 0) & 0x3fff;
      return [0xf2, value & 0x7f, value >> 7];
    }
    // MIDI Time Code: easymidi splits the data byte into its piece (`type`) and nibble (`value`).
    case 'mtc':
      return [0xf1, ((n('type') & 7) << 4) | (n('value') & 0x0f)];
    case 'sysex': {
      const bytes = Array.isArray(msg.bytes) ? msg.bytes.map((b) => Number(b) & 0xff) : [];
      return bytes[0] === 0xf0 && bytes.at(-1) === 0xf7 ? bytes : undefined;
    }
    default:
      return msg._type !== undefined && SYSTEM[msg._type] !== undefined ? [SYSTEM[msg._type]!] : undefined;
  }
}

type Sender = Pick<InstanceType<Easymidi['Output']>, 'send'>;

/** Raw bytes of a channel message sent through easymidi's typed send(). */
export function sendBytes(output: Sender, bytes: MidiBytes): void {
  const [status = 0, a = 0, b = 0] = bytes;
  const channel = (status & 0x0f) as 0;
  switch (status & 0xf0) {
    case 0x90:
      return output.send('noteon', { note: a, velocity: b, channel });
    case 0x80:
      return output.send('noteoff', { note: a, velocity: b, channel });
    case 0xb0:
      return output.send('cc', { controller: a, value: b, channel });
    case 0xc0:
      return output.send('program', { number: a, channel });
    case 0xe0:
      return output.send('pitch', { value: a | (b << 7), channel });
    default:
      return sendSystem(output, bytes);
  }
}

/** Raw bytes of a system message (MTC, SysEx, clock, song position) through easymidi's send(). */
function sendSystem(output: Sender, bytes: MidiBytes): void {
  const [status = 0, a = 0, b = 0] = bytes;
  const send = output.send as (type: string, args: unknown) => void;
  const named = Object.entries(SYSTEM).find(([, s]) => s === status)?.[0];
  switch (status) {
    case 0xf0:
      return send.call(output, 'sysex', [...bytes]);
    case 0xf1:
      return send.call(output, 'mtc', { type: (a >> 4) & 7, value: a & 0x0f });
    case 0xf2:
      return send.call(output, 'position', { value: a | (b << 7) });
    default:
      if (named) return send.call(output, named, {});
      throw new Error(`cannot send MIDI status 0x${status.toString(16)}`);
  }
}

/** A backend over easymidi; init() rejects with a sentence when RtMidi cannot start (no ALSA sequencer, say). */
export function easymidiBackend(): MidiBackend {
  let lib: Easymidi | undefined;
  const need = (): Easymidi => {
    if (!lib) throw new Error('the easymidi backend was used before init()');
    return lib;
  };
  return {
    async init() {
      if (lib) return;
      let loaded: Easymidi;
      try {
        const mod = (await import('easymidi')) as Easymidi & { default?: Easymidi };
        loaded = mod.default ?? mod;
      } catch (err) {
        throw new Error(`MIDI is unavailable: the easymidi module could not be loaded (${(err as Error).message}).`, {
          cause: err,
        });
      }
      try {
        loaded.getInputs();
      } catch (err) {
        throw new Error(
          `MIDI is unavailable: RtMidi could not start (${(err as Error).message}); ` +
            'on Linux it needs the ALSA sequencer (/dev/snd/seq, kernel module snd-seq).',
          { cause: err },
        );
      }
      lib = loaded;
    },
    listInputs: () => need().getInputs(),
    listOutputs: () => need().getOutputs(),
    openInput(name, onMessage) {
      const input = new (need().Input)(name);
      // easymidi's typings list the named events only; 'message' carries every one of them.
      const emitter: EventEmitter = input;
      emitter.on('message', (msg: EasyMessage) => {
        const bytes = easyToBytes(msg);
        if (bytes) onMessage(bytes);
      });
      return {
        close: () => {
          input.removeAllListeners();
          input.close();
        },
      };
    },
    openOutput(name) {
      const output = new (need().Output)(name);
      return { send: (bytes) => sendBytes(output, bytes), close: () => output.close() };
    },
  };
}
