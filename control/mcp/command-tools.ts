/**
 * One MCP tool per entry of the command table (src/kernel/commands.ts): `preset/recall` is the tool
 * `command_preset_recall`. The list is read when an agent asks for tools, so a command a service adds at start is
 * a tool from then on; the call goes to `POST /api/v1/commands/<name>`, which checks the value as every surface does.
 */
import { resultOf } from './tool';
import type { Command, CommandArg } from '../../src/kernel/commands';
import type { JsonSchema, McpTool } from './tool';

/** The argument of each kind of command; typed by the kernel's kinds, so a new kind cannot be forgotten here. */
const VALUE: Record<CommandArg, { schema?: JsonSchema; required: boolean }> = {
  none: { required: false },
  bool: { schema: { type: 'boolean', description: 'true or false; left out means true (a press)' }, required: false },
  string: { schema: { type: 'string', minLength: 1, description: 'a name' }, required: true },
  'string-or-int': {
    schema: { type: ['string', 'integer'], description: 'a name or a number', minLength: 1 },
    required: true,
  },
  number: { schema: { type: 'number' }, required: true },
};

/** The tool name of a command: slashes (and anything else MCP names may not hold) become underscores. */
export function commandToolName(name: string): string {
  return `command_${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** The tools of every command in `commands`, in the table's order. */
export function commandTools(commands: Command[]): McpTool[] {
  return commands.map((command) => {
    const value = VALUE[command.arg];
    const path = `/api/v1/commands/${command.name.split('/').map(encodeURIComponent).join('/')}`;
    return {
      name: commandToolName(command.name),
      description: `${command.description} (command ${command.name}; OSC /scope/${command.name})`,
      inputSchema: {
        type: 'object',
        properties: value.schema ? { value: value.schema } : {},
        ...(value.required ? { required: ['value'] } : {}),
      },
      call: async (args, dispatch) =>
        resultOf(await dispatch('POST', path, args.value === undefined ? undefined : { value: args.value })),
    };
  });
}
