/**
 * The mappings file, `<configDir>/midi-mappings.json`: validated on load, written atomically. A file that cannot be
 * read as mappings is kept beside as `.bad` for a person to look at, and the show starts with none.
 */
import { readFile, rename } from 'node:fs/promises';
import { describeIssues } from '../../src/server/errors';
import { writeFileAtomic } from '../../src/files';
import { mappingsDocumentSchema } from '../../src/shared/midi';
import type { MappingsDocument, MidiMapping } from '../../src/shared/midi';

export const MAPPINGS_FILE = 'midi-mappings.json';

/** The file's contents as one JSON document. */
export const toDocument = (mappings: readonly MidiMapping[]): Required<MappingsDocument> => ({
  version: 1,
  mappings: [...mappings],
});

/** Reads the mappings; a missing file is none, a bad one is moved to `.bad` with a sentence in the log. */
export async function loadMappings(path: string, log: (message: string) => void): Promise<MidiMapping[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    log(`MIDI: could not read ${path} (${(err as Error).message}); starting with no mappings.`);
    return [];
  }
  let problem: string;
  try {
    const parsed = mappingsDocumentSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.mappings;
    problem = describeIssues(parsed.error);
  } catch (err) {
    problem = `not JSON: ${(err as Error).message}`;
  }
  const bad = `${path}.bad`;
  try {
    await rename(path, bad);
    log(`MIDI: ${path} is not a valid mappings file (${problem}); kept it as ${bad} and started with no mappings.`);
  } catch (err) {
    log(
      `MIDI: ${path} is not a valid mappings file (${problem}) and could not be moved aside ` +
        `(${(err as Error).message}); starting with no mappings.`,
    );
  }
  return [];
}

/** Writes the mappings atomically: a crash leaves the old file or the new one. */
export async function saveMappings(path: string, mappings: readonly MidiMapping[]): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(toDocument(mappings), null, 2)}\n`);
}
