/**
 * Reading a show file's text: refused with one sentence when it is not JSON (cut short, damaged), not a show file
 * at all, or from a newer daydream-scope; lifted through the migration table when older; then checked whole by
 * the schema. Nothing here touches the server: a refusal changes nothing by construction.
 */
import { ScopeError, describeIssues } from '../kernel/errors';
import { SHOW_FORMAT, SHOW_VERSION, showFileSchema } from '../shared/show-file';
import { chaseSettingsSchema, timecodeFileSchema } from '../shared/timecode';
import type { ShowFile } from '../shared/show-file';

type Doc = Record<string, unknown>;

const empty = {
  tempo: { bpm: 120 },
  presets: {},
  cues: [],
  timeline: { entries: [] },
  modulators: [],
  midi: { mappings: [] },
  dmx: { mappings: [] },
  outputs: [],
  input: { source: null, fit: 'cover' },
  needs: { models: [], loras: [], plugins: [] },
};

/**
 * Version n's document to version n+1's. Version 0 is the draft shape of the first show exports (`scopeShow: 0`,
 * `pipelineId` and `params`, `cueList`, `midiMappings`, models by id only); it had no DMX, outputs or inputs.
 */
export const migrations: Record<number, (doc: Doc) => Doc> = {
  0: (doc) => {
    const { scopeShow: _, pipelineId, params, cueList, midiMappings, models, bpm, ...rest } = doc;
    return {
      ...empty,
      ...rest,
      format: SHOW_FORMAT,
      version: 1,
      pipeline: typeof pipelineId === 'string' ? { id: pipelineId, values: params ?? {} } : null,
      ...(bpm === undefined ? {} : { tempo: { bpm } }),
      cues: cueList ?? [],
      midi: { mappings: midiMappings ?? [] },
      needs: {
        ...empty.needs,
        models: Array.isArray(models) ? models.map((id: unknown) => ({ id, files: [] })) : [],
      },
    };
  },
  /**
   * Version 2 added the timecode settings and the output delay. A version 1 show ran without either, so it gets
   * the defaults a fresh server has: timecode off at 25 fps with the default chase, and no output delay.
   */
  1: (doc) => ({
    ...doc,
    version: 2,
    timecode: { source: 'off', rate: timecodeFileSchema.parse({}).rate, chase: chaseSettingsSchema.parse({}) },
    outputDelay: { ms: 0 },
  }),
};

const refuse = (why: string) => new ScopeError('invalid_body', `${why}; nothing was changed`);

/** The version a document says it is; throws when it is not a show file at all. */
function versionOf(doc: unknown): number {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw refuse('this is not a daydream-scope show file (it is not a JSON object)');
  }
  const d = doc as Doc;
  if (d.format === SHOW_FORMAT) {
    if (typeof d.version !== 'number' || !Number.isInteger(d.version) || d.version < 0) {
      throw refuse(
        `this show file has no valid version (a whole number is expected, got ${JSON.stringify(d.version)})`,
      );
    }
    return d.version;
  }
  if (d.scopeShow === 0) return 0;
  throw refuse(`this is not a daydream-scope show file (it has no "format": "${SHOW_FORMAT}")`);
}

/** Deeper than any show is (a cue's values sit 4 levels down); past it, comparing and saving would overflow the stack. */
const MAX_DEPTH = 64;

/** Whether `doc` nests objects or arrays more than MAX_DEPTH deep; walked without recursion. */
function tooDeep(doc: unknown): boolean {
  const stack: [unknown, number][] = [[doc, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A show file's text as a current show, with the versions it was migrated from; a ScopeError sentence if not. */
export function readShow(text: string): { show: ShowFile; migrated: number[] } {
  if (text.trim() === '') throw refuse('the show file is empty');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw refuse(`the show file is not valid JSON, perhaps cut short (${(err as Error).message})`);
  }
  if (tooDeep(doc)) throw refuse(`the show file is nested more than ${MAX_DEPTH} levels deep, which no show is`);
  let version = versionOf(doc);
  if (version > SHOW_VERSION) {
    throw refuse(
      `this show file is version ${version}, written by a newer daydream-scope; this one reads versions up to ${SHOW_VERSION}, so update it to open the show`,
    );
  }
  const migrated: number[] = [];
  let current = doc as Doc;
  while (version < SHOW_VERSION) {
    const step = migrations[version];
    if (!step) throw refuse(`show files of version ${version} can no longer be read`);
    migrated.push(version);
    current = step(current);
    version++;
  }
  const parsed = showFileSchema.safeParse(current);
  if (!parsed.success) throw refuse(`the show file is damaged: ${describeIssues(parsed.error)}`);
  return { show: parsed.data, migrated };
}
