/** A MIDI backend in memory, for tests: ports come and go at runtime, messages are injected, sends are recorded. */
import type { MidiBackend, MidiBytes, MidiInputPort, MidiOutputPort } from './backend';

export class FakeMidiBackend implements MidiBackend {
  inputs: string[] = [];
  outputs: string[] = [];
  /** Every message sent, per output name, in order. */
  readonly sent = new Map<string, number[][]>();
  /** A reason makes init() fail, as a machine without MIDI would. */
  failInit: string | undefined;
  /** Port names whose open throws. */
  readonly failOpen = new Set<string>();
  private readonly listeners = new Map<string, Set<(bytes: MidiBytes) => void>>();
  private readonly openOutputs = new Set<string>();

  constructor(ports: { inputs?: string[]; outputs?: string[] } = {}) {
    this.inputs = [...(ports.inputs ?? [])];
    this.outputs = [...(ports.outputs ?? [])];
  }

  async init(): Promise<void> {
    if (this.failInit) throw new Error(this.failInit);
  }

  listInputs(): string[] {
    return [...this.inputs];
  }

  listOutputs(): string[] {
    return [...this.outputs];
  }

  openInput(name: string, onMessage: (bytes: MidiBytes) => void): MidiInputPort {
    if (!this.inputs.includes(name) || this.failOpen.has(name)) throw new Error(`cannot open MIDI input ${name}`);
    const set = this.listeners.get(name) ?? new Set();
    this.listeners.set(name, set);
    set.add(onMessage);
    return { close: () => set.delete(onMessage) };
  }

  openOutput(name: string): MidiOutputPort {
    if (!this.outputs.includes(name) || this.failOpen.has(name)) throw new Error(`cannot open MIDI output ${name}`);
    this.openOutputs.add(name);
    return {
      send: (bytes) => {
        if (!this.outputs.includes(name)) throw new Error(`MIDI output ${name} is gone`);
        const list = this.sent.get(name) ?? [];
        this.sent.set(name, list);
        list.push([...bytes]);
      },
      close: () => this.openOutputs.delete(name),
    };
  }

  /** Plugs a device in: an input and an output of the same name, as most USB controllers have. */
  plug(name: string, { output = true }: { output?: boolean } = {}): void {
    if (!this.inputs.includes(name)) this.inputs.push(name);
    if (output && !this.outputs.includes(name)) this.outputs.push(name);
  }

  unplug(name: string): void {
    this.inputs = this.inputs.filter((n) => n !== name);
    this.outputs = this.outputs.filter((n) => n !== name);
  }

  /** Delivers messages from a device, as if its knobs moved; each message is one array of bytes. */
  inject(name: string, ...messages: MidiBytes[]): void {
    for (const bytes of messages) for (const listener of this.listeners.get(name) ?? []) listener(bytes);
  }

  /** Whether someone is listening to this input. */
  isInputOpen(name: string): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }

  isOutputOpen(name: string): boolean {
    return this.openOutputs.has(name);
  }

  /** Takes and clears what was sent to one output. */
  take(name: string): number[][] {
    const list = this.sent.get(name) ?? [];
    this.sent.delete(name);
    return list;
  }
}
