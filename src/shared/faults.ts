/** Fault injection (tests and the soak bench; off unless DAYDREAM_SCOPE_FAULTS=1): what can be injected. */
import { z } from 'zod';

const frames = z.number().int().min(1).max(100_000).default(1);

export const faultSchema = z.discriminatedUnion('kind', [
  /** The next `frames` renders throw. */
  z.strictObject({ kind: z.literal('throw'), frames }),
  /** The next `frames` renders return a half-sized image. */
  z.strictObject({ kind: z.literal('wrong-size'), frames }),
  /** The next render hangs for `seconds`: its onnxruntime process blocks (under isolation), or its promise waits. */
  z.strictObject({ kind: z.literal('hang'), seconds: z.number().positive().max(3600) }),
  /** The next `frames` renders each leave `megabytes` behind in the onnxruntime process. */
  z.strictObject({ kind: z.literal('leak'), megabytes: z.number().positive().max(65_536), frames }),
  /** The onnxruntime process aborts (SIGABRT), as getData() on a GPU buffer makes it do. */
  z.strictObject({ kind: z.literal('crash') }),
]);
export type Fault = z.infer<typeof faultSchema>;

export const faultStateSchema = z.object({ pending: z.array(faultSchema) });
export type FaultState = z.infer<typeof faultStateSchema>;
