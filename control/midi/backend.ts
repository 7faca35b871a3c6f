/**
 * The seam between the MIDI service and a MIDI library: port names, raw status/data bytes in and out. The service
 * knows nothing of easymidi; tests plug in FakeMidiBackend.
 */

/** One MIDI message as raw bytes: a status byte and its data bytes. */
export type MidiBytes = readonly number[];

export interface MidiInputPort {
  close(): void;
}

export interface MidiOutputPort {
  /** Sends one message; may throw when the device is gone. */
  send(bytes: MidiBytes): void;
  close(): void;
}

export interface MidiBackend {
  /** Loads the native part; rejects with a sentence saying why MIDI cannot work on this machine. */
  init(): Promise<void>;
  listInputs(): string[];
  listOutputs(): string[];
  /** Opens an input by name; `onMessage` gets each channel or system message as raw bytes. */
  openInput(name: string, onMessage: (bytes: MidiBytes) => void): MidiInputPort;
  openOutput(name: string): MidiOutputPort;
}
