/**
 * Actions that are not parameters (recall a preset, switch an output, pause) under names that every surface
 * shares: OSC reaches `name` at `/scope/<name>`. Services register their commands at start and remove them at stop.
 */
export type CommandArg = 'none' | 'string' | 'bool' | 'string-or-int' | 'number';
export type CommandValue = string | number | boolean | undefined;
export type CommandResult = { ok: true; detail?: string } | { ok: false; reason: string };

export interface Command {
  /** Slash-separated name without the `/scope` prefix, e.g. `preset/recall`. */
  name: string;
  description: string;
  arg: CommandArg;
  run(value: CommandValue): CommandResult;
}

export class CommandRegistry {
  private readonly commands = new Map<string, Command>();

  /** Adds a command; returns its removal. A name already taken is replaced (a service restarted). */
  add(command: Command): () => void {
    this.commands.set(command.name, command);
    return () => {
      if (this.commands.get(command.name) === command) this.commands.delete(command.name);
    };
  }

  get(name: string): Command | undefined {
    return this.commands.get(name);
  }

  all(): Command[] {
    return [...this.commands.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
