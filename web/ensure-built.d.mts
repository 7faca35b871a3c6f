/** Path of the built panel's index.html. */
export const distIndex: string;
/** Builds web/dist when it is missing or older than its sources; never rejects. */
export function ensureBuilt(options?: {
  force?: boolean;
  log?: (line: string) => void;
}): Promise<'present' | 'built' | 'failed'>;
