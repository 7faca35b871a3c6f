/**
 * The mappings as the service keeps them: the book in memory and the file on disk, changed together. Writes go one
 * at a time; when one fails the change is undone, so memory and file agree and a restart shows the same, and the
 * status says why until a later save works.
 */
import { MappingBook } from './mapping-book';
import { loadMappings, toDocument } from './mappings-file';
import { SettingsWriter, settingsText } from '../../src/settings-writer';
import type { MidiOptions } from './options';
import type { MidiMapping } from '../../src/shared/midi';

export interface MappingStoreOptions extends Pick<MidiOptions, 'mappingsFile' | 'write'> {
  log: (message: string) => void;
  /** A failed save put the mappings back: what was remembered of them goes too. */
  undone: () => void;
  /** The status changed (a change made, a save failed, a failure cleared). */
  changed: () => void;
}

export class MappingStore {
  readonly book = new MappingBook();
  /** Why the last change of the mappings could not be saved (it was undone); cleared by the next save that works. */
  saveError: string | undefined;
  /** Saves that failed, for the status's error count. */
  failures = 0;
  private readonly file: SettingsWriter;
  /** Every save so far, its undo or its report included. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly o: MappingStoreOptions) {
    this.file = new SettingsWriter({ path: o.mappingsFile, what: 'the MIDI mappings', log: o.log, write: o.write });
  }

  /** Reads the mappings file (none when missing; a bad one is set aside, said in the log). */
  async load(): Promise<void> {
    this.book.replace(await loadMappings(this.o.mappingsFile, this.o.log));
  }

  /**
   * Applies `edit` to the book, then writes the file (writes never overlap). When the write fails the mappings go
   * back to what they were, the log and the status say why, and this rejects with `save_failed` (507).
   */
  async change<T>(edit: (book: MappingBook) => T): Promise<T> {
    const before = this.book.all();
    const result = edit(this.book);
    const saved = this.save(before);
    this.saving = Promise.all([this.saving, saved.catch(() => {})]).then(() => {});
    this.o.changed();
    await saved;
    return result;
  }

  /** Resolves once the file has every change made so far. */
  async saved(): Promise<void> {
    await this.saving;
  }

  private async save(before: MidiMapping[]): Promise<void> {
    const undo = () => {
      this.book.replace(before);
      this.o.undone();
    };
    try {
      await this.file.save(settingsText(toDocument(this.book.all())), undo);
    } catch (err) {
      this.failures++;
      this.saveError = (err as Error).message;
      this.o.changed();
      throw err;
    }
    if (this.saveError !== undefined) {
      this.saveError = undefined;
      this.o.changed();
    }
  }
}
