/**
 * A show is exported by asking each part of the server for its share, and imported all or nothing: every part
 * checks the whole show first (nothing changes while any part objects or anything needed is missing); then the
 * parts apply in order, each saving its own file as it always does (a failed save undoes that part in memory).
 * When one fails, the parts applied before it are put back by applying the show as it was exported just before
 * the import, in reverse order, so memory and files end as they began.
 */
import { ScopeError } from '../kernel/errors';
import { SHOW_FORMAT, SHOW_VERSION } from '../shared/show-file';
import type { ShowFile, ShowImportReport, ShowMissing } from '../shared/show-file';

/** What a part's check found: problems refuse the import, missing things refuse it with the way to get them. */
export interface PartCheck {
  problems?: string[];
  missing?: ShowMissing[];
  /** Said in the report, changing nothing: what is left as it is here, and why. */
  notes?: string[];
}

/** One part of the server a show covers (the pipeline, presets, cues, the MIDI mappings, the outputs, ...). */
export interface ShowPart {
  name: string;
  /** A part that only checks (what the show needs): never listed as applied. */
  checkOnly?: boolean;
  /** This part's share of the show as the server holds it now (`sofar`: the shares of the parts before it). */
  read(sofar: Partial<ShowFile>): Partial<ShowFile> | Promise<Partial<ShowFile>>;
  /** Whether `show` can be applied here; changes nothing. */
  check(show: ShowFile): PartCheck | Promise<PartCheck>;
  /** Makes the server hold `show`'s share; throws (having changed nothing of its own) when it cannot. */
  apply(show: ShowFile): Promise<void>;
}

/** Each part's share, read in order (a part may build on the shares before it). */
async function readAll(parts: readonly ShowPart[]): Promise<{ held: Partial<ShowFile>[]; show: Partial<ShowFile> }> {
  const held: Partial<ShowFile>[] = [];
  let show: Partial<ShowFile> = {};
  for (const part of parts) {
    const share = await part.read(show);
    held.push(share);
    show = { ...show, ...share };
  }
  return { held, show };
}

/** The show the server holds now. */
export async function exportShow(
  parts: readonly ShowPart[],
  scopeVersion: string,
  now = new Date(),
): Promise<ShowFile> {
  const { show } = await readAll(parts);
  return { format: SHOW_FORMAT, version: SHOW_VERSION, savedAt: now.toISOString(), scopeVersion, ...show } as ShowFile;
}

/** A refusal because the show needs what this server lacks; `missing` says what and how to get it. */
export class ShowIncompleteError extends ScopeError {
  constructor(readonly missing: ShowMissing[]) {
    const named = missing.map((m) => `${m.kind} ${m.name} (${m.reason})`);
    super('conflict', `the show needs what this server lacks: ${named.join('; ')}; nothing was changed`);
  }
}

/** Checks every part, then applies all of them or none; the report says what was applied and what was left. */
export async function importShow(
  parts: readonly ShowPart[],
  show: ShowFile,
  o: { scopeVersion: string; log: (message: string) => void; migrated?: number[] },
): Promise<ShowImportReport> {
  const checks = await Promise.all(parts.map((p) => p.check(show)));
  // What is missing first: a value refused only because its file is not here (a LoRA) is said as missing.
  const missing = checks.flatMap((c) => c.missing ?? []);
  if (missing.length > 0) throw new ShowIncompleteError(missing);
  const problems = checks.flatMap((c) => c.problems ?? []);
  if (problems.length > 0) {
    throw new ScopeError(
      'invalid_body',
      `the show cannot be applied here: ${problems.join('; ')}; nothing was changed`,
    );
  }

  const { held, show: now } = await readAll(parts);
  const before = { ...(await exportShow([], o.scopeVersion)), ...now } as ShowFile;
  const applied: ShowPart[] = [];
  const names: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (part.checkOnly) continue;
    names.push(part.name);
    // A part that already holds the show's share is left alone: no file written, no output restarted.
    if (sameShare(held[i]!, show)) continue;
    try {
      await part.apply(show);
      applied.push(part);
    } catch (err) {
      await putBack(applied, before, o.log);
      const why = err instanceof Error ? err.message : String(err);
      const code = err instanceof ScopeError ? err.code : 'internal';
      o.log(`Show import stopped at the ${part.name}: ${why}; what was applied before it was put back.`);
      throw new ScopeError(code, `the show could not be applied (the ${part.name}: ${why}); nothing was changed`);
    }
  }
  o.log(`Show imported: ${names.join(', ')}.`);
  return {
    applied: names,
    migrated: o.migrated ?? [],
    notes: checks.flatMap((c) => c.notes ?? []),
  };
}

/** Whether `show` holds what `share` holds, key by key (objects compared whatever the order of their keys). */
function sameShare(share: Partial<ShowFile>, show: ShowFile): boolean {
  return Object.entries(share).every(([key, value]) => stable(value) === stable(show[key as keyof ShowFile]));
}

/** JSON with every object's keys sorted. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Applies the show as it was to the parts already changed, last first; a part that cannot go back is said. */
async function putBack(applied: ShowPart[], before: ShowFile, log: (message: string) => void): Promise<void> {
  for (const part of [...applied].reverse()) {
    try {
      await part.apply(before);
    } catch (err) {
      log(`Show import: could not put the ${part.name} back as they were: ${(err as Error).message}`);
    }
  }
}
