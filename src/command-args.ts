/**
 * The arguments of a subcommand (`download`, `model`, `cuda-core`): node's parseArgs with positionals, where a
 * malformed line is the usage error, said with the command's help, rather than a throw.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed line, or undefined once `stderr` has the error and the help (the command then exits 2). */
export function commandArgs<T extends Options>(
  command: string,
  help: string,
  args: string[],
  options: T,
  stderr: { write(s: string): unknown },
) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (err) {
    stderr.write(`daydream-scope ${command}: ${(err as Error).message}\n\n${help}`);
    return undefined;
  }
}
