/** Shapes of `/api/v1/commands`: the actions that are not parameters, listed and run by name. */
import { z } from 'zod';

/** What a command takes: nothing, a string, a boolean, or a string or an index. */
export const commandArgSchema = z.enum(['none', 'string', 'bool', 'string-or-int', 'number']);

/** GET /api/v1/commands. */
export const commandListSchema = z.object({
  commands: z.array(z.object({ name: z.string(), description: z.string(), arg: commandArgSchema })),
});
export type CommandList = z.infer<typeof commandListSchema>;

/** The value a command runs with; the same one the WebSocket `command` message carries. */
export const commandValueSchema = z.union([z.string().max(1000), z.number(), z.boolean()]);

/** POST /api/v1/commands/<name>: `{"value": …}`, or no body at all. */
export const commandBodySchema = z.strictObject({ value: commandValueSchema.optional() });

/** The command's name in POST /api/v1/commands/<name>; it may hold slashes (`preset/recall`). */
export const commandParamsSchema = z.object({ name: z.string() });

/** Answer of a command that ran; `detail` says what it did, when it says. */
export const commandResultSchema = z.object({
  ok: z.literal(true),
  command: z.string(),
  detail: z.string().optional(),
});
export type CommandResponse = z.infer<typeof commandResultSchema>;
