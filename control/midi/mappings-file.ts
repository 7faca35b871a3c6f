/**
 * The mappings file, `<configDir>/midi-mappings.json`: validated on load, written atomically (by the service's
 * SettingsBook). A file that cannot be read as mappings is kept beside as `.bad` for a person to look at, and the
 * show starts with none.
 */
import { readSettingsFile } from '../../src/files';
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
  return (await readSettingsFile(path, mappingsDocumentSchema, 'MIDI mappings', log))?.mappings ?? [];
}
