/** DMX learn as commands, so OSC (`/scope/dmx/learn`) and the WebSocket (`{type: 'command'}`) reach it too. */
import type { DmxService } from './service';
import type { CommandRegistry } from '../../src/kernel/commands';

/** Registers `dmx/learn <param>`, `dmx/learn16 <param>` and `dmx/learn/cancel`; returns their removal. */
export function dmxCommands(
  service: Pick<DmxService, 'learn' | 'cancelLearn'>,
  commands: Pick<CommandRegistry, 'add'>,
): () => void {
  const learn = (bits: 8 | 16) => (value: unknown) => {
    try {
      service.learn(String(value), bits);
      return { ok: true as const, detail: `move a channel to map it to "${String(value)}"` };
    } catch (err) {
      return { ok: false as const, reason: (err as Error).message };
    }
  };
  const removals = [
    commands.add({
      name: 'dmx/learn',
      description: 'Arms DMX learn for a parameter: the next channel that moves drives it.',
      arg: 'string',
      run: learn(8),
    }),
    commands.add({
      name: 'dmx/learn16',
      description: 'Arms DMX learn of a 16-bit coarse/fine pair for a parameter.',
      arg: 'string',
      run: learn(16),
    }),
    commands.add({
      name: 'dmx/learn/cancel',
      description: 'Stops DMX learn.',
      arg: 'none',
      run: () => ({ ok: true, detail: service.cancelLearn() ? 'learn cancelled' : 'nothing was learning' }),
    }),
  ];
  return () => removals.forEach((remove) => remove());
}
