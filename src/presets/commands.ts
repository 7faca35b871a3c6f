import type { PresetStore } from './store';
import type { CommandRegistry } from '../kernel/commands';

/** `preset/recall <name | number>` for OSC (`/scope/preset/recall`), WebSocket and HTTP. */
export function addPresetCommands(commands: CommandRegistry, presets: PresetStore): void {
  commands.add({
    name: 'preset/recall',
    description: 'recalls a preset of the active pipeline by name, or by number (0 = the first)',
    arg: 'string-or-int',
    run: (which) => {
      const r = presets.recall(which as string | number);
      return r.ok ? { ok: true, detail: `recalled ${r.name}` } : { ok: false, reason: r.message };
    },
  });
}
