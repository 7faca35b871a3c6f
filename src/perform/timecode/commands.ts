/**
 * The timecode commands, for OSC (`/scope/timecode/run 1`, `/scope/timecode/locate "01:00:00:00"`), the WebSocket
 * and MCP at once: the internal generator's transport.
 */
import { toScopeError } from '../../kernel/errors';
import { timecodeTextProblem } from '../../shared/timecode';
import type { CommandRegistry, CommandResult } from '../../kernel/commands';
import type { TimecodeService } from './timecode-service';

function attempt(action: () => string): CommandResult {
  try {
    return { ok: true, detail: action() };
  } catch (err) {
    return { ok: false, reason: toScopeError(err).message };
  }
}

/** Registers `timecode/run` and `timecode/locate`; returns their removal. */
export function addTimecodeCommands(commands: Pick<CommandRegistry, 'add'>, service: TimecodeService): () => void {
  const removals = [
    commands.add({
      name: 'timecode/run',
      description: 'runs (true) or stops (false) the internal timecode generator (--timecode internal)',
      arg: 'bool',
      run: (on) => attempt(() => service.transport({ running: on === true }).position ?? 'no position'),
    }),
    commands.add({
      name: 'timecode/locate',
      description: 'moves the internal timecode generator to hh:mm:ss:ff (MTC out sends a full frame)',
      arg: 'string',
      run: (text) => {
        const problem = timecodeTextProblem(String(text).trim());
        if (problem) return { ok: false, reason: problem };
        return attempt(() => service.transport({ locate: String(text).trim() }).position ?? 'no position');
      },
    }),
  ];
  return () => {
    for (const remove of removals) remove();
  };
}
