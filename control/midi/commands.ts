/** MIDI learn as commands, so OSC (`/scope/midi/learn`) and the WebSocket (`{type: 'command'}`) reach it too. */
import type { MidiService } from './service';
import type { CommandRegistry } from '../../src/kernel/commands';

/** Registers `midi/learn <param>` and `midi/learn/cancel`; returns their removal. */
export function midiCommands(
  service: Pick<MidiService, 'learn' | 'cancelLearn'>,
  commands: Pick<CommandRegistry, 'add'> | undefined,
): () => void {
  if (!commands) return () => {};
  const removals = [
    commands.add({
      name: 'midi/learn',
      description: 'Arms MIDI learn for a parameter: the next control that moves drives it.',
      arg: 'string',
      run: (value) => {
        try {
          service.learn(String(value));
          return { ok: true, detail: `move a control to map it to "${String(value)}"` };
        } catch (err) {
          return { ok: false, reason: (err as Error).message };
        }
      },
    }),
    commands.add({
      name: 'midi/learn/cancel',
      description: 'Stops MIDI learn.',
      arg: 'none',
      run: () => ({ ok: true, detail: service.cancelLearn() ? 'learn cancelled' : 'nothing was learning' }),
    }),
  ];
  return () => removals.forEach((remove) => remove());
}
