/**
 * Actions that are not parameters (recall a preset, switch an output, pause) under names that every surface
 * shares: OSC reaches `name` at `/scope/<name>`. Services register their commands at start and remove them at stop.
 */
import { strictNumber } from '../shared/numbers';

export type CommandArg = 'none' | 'string' | 'bool' | 'string-or-int' | 'number';
export type CommandValue = string | number | boolean | undefined;
export type CommandResult = { ok: true; detail?: string } | { ok: false; reason: string };

/**
 * A value from any surface (HTTP JSON, a WebSocket message, an OSC argument, a MIDI note) as the argument `kind`
 * takes, the same way everywhere: bools accept true/false, 1/0 and "true"/"false"/"on"/"off"/"1"/"0"; a
 * missing bool means true (a button's press); numbers in text are read by the one strict rule (shared/numbers).
 */
export function coerceCommandArg(
  kind: CommandArg,
  value: unknown,
): { ok: true; value: CommandValue } | { ok: false; expected: string } {
  switch (kind) {
    case 'none':
      return { ok: true, value: undefined };
    case 'bool':
      if (value === undefined || value === true || value === 1 || TRUE.has(String(value)))
        return { ok: true, value: true };
      if (value === false || value === 0 || FALSE.has(String(value))) return { ok: true, value: false };
      return { ok: false, expected: 'true or false (1/0, on/off)' };
    case 'string':
      return typeof value === 'string' && value.length > 0 ? { ok: true, value } : { ok: false, expected: 'a name' };
    case 'string-or-int':
      if ((typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isInteger(value))) {
        return { ok: true, value };
      }
      return { ok: false, expected: 'a name or a number' };
    case 'number': {
      const n = typeof value === 'string' ? strictNumber(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, expected: 'a number' };
    }
  }
}

const TRUE = new Set(['true', 'on', '1']);
const FALSE = new Set(['false', 'off', '0']);

export interface Command {
  /** Slash-separated name without the `/scope` prefix, e.g. `preset/recall`. */
  name: string;
  description: string;
  arg: CommandArg;
  run(value: CommandValue): CommandResult;
}

export class CommandRegistry {
  private readonly commands = new Map<string, Command>();
  private readonly listeners = new Set<() => void>();

  /** Adds a command; returns its removal. A name already taken is replaced (a service restarted). */
  add(command: Command): () => void {
    this.commands.set(command.name, command);
    this.changed();
    return () => {
      if (this.commands.get(command.name) !== command) return;
      this.commands.delete(command.name);
      this.changed();
    };
  }

  /** Calls `listener` after each addition or removal (MCP tells its agents the tool list changed); returns its removal. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own: the command is added either way.
      }
    }
  }

  get(name: string): Command | undefined {
    return this.commands.get(name);
  }

  all(): Command[] {
    return [...this.commands.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
