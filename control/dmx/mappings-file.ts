/**
 * The DMX mappings file, `<configDir>/dmx-mappings.json`: validated on load, written atomically by the service's
 * SettingsBook. A file that cannot be read as mappings is kept beside as `.bad` and the show starts with none.
 */
import { readSettingsFile } from '../../src/files';
import { dmxMappingsDocumentSchema } from '../../src/shared/dmx';
import { completeMappings } from './mapping-book';
import type { DmxMapping } from '../../src/shared/dmx';

export const DMX_MAPPINGS_FILE = 'dmx-mappings.json';

export const toDocument = (mappings: readonly DmxMapping[]) => ({ version: 1 as const, mappings: [...mappings] });

/** Reads the mappings; a missing file is none, a bad one is moved aside with a sentence in the log. */
export async function loadDmxMappings(path: string, log: (message: string) => void): Promise<DmxMapping[]> {
  const doc = await readSettingsFile(path, dmxMappingsDocumentSchema, 'DMX mappings', log);
  if (!doc) return [];
  try {
    return completeMappings(doc.mappings, () => undefined);
  } catch (err) {
    log(`DMX mappings in ${path} were not loaded: ${(err as Error).message}`);
    return [];
  }
}
