/** One change of a show, as every node stores, sends and applies it; zod-checked wherever it arrives. */
import { z } from 'zod';

export const showChangeSchema = z.object({
  /** `<node>:<n>`: unique in the show, so a node knows a change it already applied. */
  id: z.string().min(1).max(200),
  /** What it changes: `param`, `pipeline`, or a kind another part registered (`tempo`, …). */
  kind: z.string().min(1).max(64),
  /** Which thing of that kind (a parameter's path, `active` for the pipeline): the show keeps the newest per key. */
  key: z.string().min(1).max(256),
  value: z.unknown(),
  /** The show time (ms) it lands on: every node applies it at the first frame due at or after it. */
  at: z.number().finite(),
  /** The node it came from. */
  origin: z.string().min(1).max(100),
  /** The surface it came from there (`osc`, `midi`, `http`, …). */
  source: z.string().max(64),
  /** For parameters: the pipeline load (its change id) the value belongs to; a later load makes it stale. */
  pipeline: z.string().max(200).optional(),
});
export type ShowChange = z.infer<typeof showChangeSchema>;

/** Where changes go to reach every node of the show (this one included) and the show's stored state. */
export interface ShowTransport {
  /** False while the show's server is out of reach: changes are then applied here at once and sent later. */
  readonly online: boolean;
  /** Stores and sends a change; resolves once the show has it (it may be queued while offline). */
  publish(change: ShowChange): Promise<void>;
}

/** A kind of change that parts of the server register (the perform layer's tempo, say). */
export interface ShowKind {
  name: string;
  /**
   * Applies a change at its frame; `catchUp` is true for stored state applied on joining (late or restarted),
   * where an event that already happened (a trigger) should be skipped.
   */
  apply(change: ShowChange, catchUp: boolean): void;
  /** Why a change of this kind cannot be applied (an unknown pipeline, say), checked before it is queued. */
  check?(change: ShowChange): string | undefined;
}
