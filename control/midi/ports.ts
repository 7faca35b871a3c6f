/**
 * The open MIDI ports and their hot-plug: each scan lists the backend's ports, opens the wanted ones that appeared
 * and closes the ones that went away. Port names become device names (ALSA's " 24:0" client suffix dropped when
 * that leaves the name unique) so a controller keeps its mappings when it comes back on another client number.
 */
import type { MidiBackend, MidiBytes, MidiInputPort, MidiOutputPort } from './backend';
import type { MidiPort } from '../../src/shared/midi';

/** Which ports to open: names (exact, else a case-insensitive part of the name) or indexes; 'all' / 'matching'. */
export type PortChoice = (string | number)[];

export interface PortHandlers {
  message(device: string, bytes: MidiBytes): void;
  /** A port failed; said once per port until it works again. */
  problem(message: string): void;
}

export interface OpenOutput {
  device: string;
  port: MidiOutputPort;
}

/** Device names for port names: the ALSA client:port suffix dropped where the result stays unique. */
export function deviceNames(ports: string[]): Map<string, string> {
  const strip = (p: string) => p.replace(/\s+\d+:\d+$/, '');
  const counts = new Map<string, number>();
  for (const p of ports) counts.set(strip(p), (counts.get(strip(p)) ?? 0) + 1);
  return new Map(ports.map((p) => [p, counts.get(strip(p)) === 1 ? strip(p) : p]));
}

/** The port names `choice` picks from `names`. */
export function choose(names: string[], choice: PortChoice | 'all'): string[] {
  if (choice === 'all') return names;
  const picked = new Set<string>();
  for (const want of choice) {
    if (typeof want === 'number') {
      if (names[want] !== undefined) picked.add(names[want]);
      continue;
    }
    const exact = names.filter((n) => n === want);
    const loose = names.filter((n) => n.toLowerCase().includes(want.toLowerCase()));
    for (const n of exact.length > 0 ? exact : loose) picked.add(n);
  }
  return names.filter((n) => picked.has(n));
}

export class MidiPorts {
  private inputNames: string[] = [];
  private outputNames: string[] = [];
  private readonly inputs = new Map<string, { device: string; port: MidiInputPort }>();
  private readonly outputs = new Map<string, OpenOutput>();
  /** Ports that failed to open: retried at each scan, reported only the first time. */
  private readonly failing = new Set<string>();

  constructor(
    private readonly backend: MidiBackend,
    private readonly choice: { inputs: PortChoice | 'all'; outputs: PortChoice | 'matching' },
    private readonly on: PortHandlers,
  ) {}

  /** Lists the ports, opens new wanted ones, closes vanished ones; true when anything changed. */
  scan(): boolean {
    let inputs: string[];
    let outputs: string[];
    try {
      inputs = this.backend.listInputs();
      outputs = this.backend.listOutputs();
    } catch (err) {
      this.report('list', `MIDI: could not list ports (${(err as Error).message}).`);
      return false;
    }
    this.failing.delete('list');
    const changed = !same(inputs, this.inputNames) || !same(outputs, this.outputNames);
    this.inputNames = inputs;
    this.outputNames = outputs;
    const inDevices = deviceNames(inputs);
    const outDevices = deviceNames(outputs);
    const wantIn = new Set(choose(inputs, this.choice.inputs));
    const openDevices = new Set([...wantIn].map((p) => inDevices.get(p)!));
    const wantOut = new Set(
      this.choice.outputs === 'matching'
        ? outputs.filter((p) => openDevices.has(outDevices.get(p)!))
        : choose(outputs, this.choice.outputs),
    );
    let opened = this.closeGone(this.inputs, wantIn) + this.closeGone(this.outputs, wantOut);
    for (const name of wantIn) {
      if (this.inputs.has(name)) continue;
      const device = inDevices.get(name)!;
      const port = this.attempt(name, 'input', () =>
        this.backend.openInput(name, (bytes) => this.on.message(device, bytes)),
      );
      if (!port) continue;
      this.inputs.set(name, { device, port });
      opened++;
    }
    for (const name of wantOut) {
      if (this.outputs.has(name)) continue;
      const port = this.attempt(name, 'output', () => this.backend.openOutput(name));
      if (!port) continue;
      this.outputs.set(name, { device: outDevices.get(name)!, port });
      opened++;
    }
    return changed || opened > 0;
  }

  /** Every port seen in the last scan, by device name, and whether it is open. */
  list(): { inputs: MidiPort[]; outputs: MidiPort[] } {
    const ins = deviceNames(this.inputNames);
    const outs = deviceNames(this.outputNames);
    return {
      inputs: this.inputNames.map((p) => ({ name: ins.get(p)!, open: this.inputs.has(p) })),
      outputs: this.outputNames.map((p) => ({ name: outs.get(p)!, open: this.outputs.has(p) })),
    };
  }

  openOutputs(): OpenOutput[] {
    return [...this.outputs.values()];
  }

  /** The devices of the open outputs that `choice` names. */
  chosenOutputs(choice: PortChoice): Set<string> {
    return new Set(
      choose(
        this.openOutputs().map((o) => o.device),
        choice,
      ),
    );
  }

  /**
   * Sends `messages` to each open output whose device `pick` takes; a device that throws (it is gone) is handed to
   * `failed` and gets none of the rest. Returns the devices reached.
   */
  send(
    pick: (device: string) => boolean,
    messages: readonly MidiBytes[],
    failed: (device: string, err: Error) => void,
  ): string[] {
    const reached: string[] = [];
    for (const out of this.openOutputs()) {
      if (!pick(out.device)) continue;
      try {
        for (const bytes of messages) out.port.send(bytes);
        reached.push(out.device);
      } catch (err) {
        failed(out.device, err as Error);
      }
    }
    return reached;
  }

  closeAll(): void {
    this.closeGone(this.inputs, new Set());
    this.closeGone(this.outputs, new Set());
  }

  private closeGone(open: Map<string, { port: { close(): void } }>, keep: Set<string>): number {
    let closed = 0;
    for (const [name, entry] of open) {
      if (keep.has(name)) continue;
      open.delete(name);
      closed++;
      try {
        entry.port.close();
      } catch {
        // The device is already gone; there is nothing left to close.
      }
    }
    return closed;
  }

  private attempt<T>(name: string, what: string, open: () => T): T | undefined {
    try {
      const port = open();
      this.failing.delete(`${what}:${name}`);
      return port;
    } catch (err) {
      this.report(`${what}:${name}`, `MIDI: could not open ${what} "${name}" (${(err as Error).message}).`);
      return undefined;
    }
  }

  private report(key: string, message: string): void {
    if (this.failing.has(key)) return;
    this.failing.add(key);
    this.on.problem(message);
  }
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
