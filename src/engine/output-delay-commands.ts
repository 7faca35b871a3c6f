/** The output delay as commands, so OSC (`/scope/output/delay 120`), MIDI, WebSocket and MCP clients set it too. */
import type { CommandRegistry } from '../kernel/commands';
import type { OutputDelayBody } from '../shared/latency';
import type { OutputDelayStore } from './output-delay-store';

/** Adds `output/delay` (milliseconds) and `output/delay-beats`; returns their removal. */
export function addOutputDelayCommands(commands: CommandRegistry, store: OutputDelayStore): () => void {
  const line = store.line;
  // Commands answer at once; the save follows (a failed one is logged and undone by the store).
  const set = (body: OutputDelayBody) => void store.set(body).catch(() => {});
  const detail = () => {
    const { unit, value, ms } = line.status();
    return unit === 'ms' ? `output delay ${ms} ms` : `output delay ${value} beats (${ms} ms now)`;
  };
  const removes = [
    commands.add({
      name: 'output/delay',
      description: 'holds every output back by this many milliseconds (0-2000, clamped), to line up with a PA',
      arg: 'number',
      run: (ms) => (set({ ms: ms as number }), { ok: true, detail: detail() }),
    }),
    commands.add({
      name: 'output/delay-beats',
      description: 'holds every output back by this many beats (0-16, clamped to 2 s); follows the tempo',
      arg: 'number',
      run: (beats) => (set({ beats: beats as number }), { ok: true, detail: detail() }),
    }),
  ];
  return () => removes.forEach((remove) => remove());
}
