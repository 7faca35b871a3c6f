/**
 * A book of settings (the MIDI mappings, the DMX mappings) kept in memory and in its file, changed together through
 * a SettingsWriter: writes go one at a time; when one fails the change is undone, so memory and file agree and a
 * restart shows the same, and `saveError` says why until a later save works.
 */
import { SettingsWriter, settingsText } from './settings-writer';
import type { SettingsWriterOptions } from './settings-writer';
import { errorText } from './kernel/errors';

/** What a settings book holds: a list it hands out as a copy and takes back whole. */
export interface Book<Entry> {
  all(): Entry[];
  replace(entries: Entry[]): void;
}

/** The file's options (path, what it holds, log, write) and the book's. */
export type SettingsBookOptions<Entry, B extends Book<Entry>> = SettingsWriterOptions & {
  book: B;
  /** Reads the file: none when missing; a bad one is set aside and said in the log. */
  read: (path: string, log: (message: string) => void) => Promise<Entry[]>;
  /** The file's contents as one JSON document. */
  document: (entries: readonly Entry[]) => unknown;
  /** A failed save put the book back: what was worked out from the undone entries goes too. */
  undone: () => void;
  /** The status changed (a change made, a save failed, a failure cleared). */
  changed: () => void;
};

export class SettingsBook<Entry, B extends Book<Entry>> {
  readonly book: B;
  /** Why the last change could not be saved (it was undone); cleared by the next save that works. */
  saveError: string | undefined;
  /** Saves that failed, for a status's error count. */
  failures = 0;
  private readonly file: SettingsWriter;
  /** Every save so far, its undo or its report included. */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly o: SettingsBookOptions<Entry, B>) {
    this.book = o.book;
    this.file = new SettingsWriter({ path: o.path, what: o.what, log: o.log, write: o.write });
  }

  /** Fills the book from the file (none when missing; a bad one is set aside, said in the log). */
  async load(): Promise<void> {
    this.book.replace(await this.o.read(this.o.path, this.o.log));
  }

  /**
   * Applies `edit` to the book, then writes the file (writes never overlap). When the write fails the book goes
   * back to what it was, the log and `saveError` say why, and this rejects with `save_failed` (507).
   */
  async change<T>(edit: (book: B) => T): Promise<T> {
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

  private async save(before: Entry[]): Promise<void> {
    const undo = () => {
      this.book.replace(before);
      this.o.undone();
    };
    try {
      await this.file.save(settingsText(this.o.document(this.book.all())), undo);
    } catch (err) {
      this.failures++;
      this.saveError = errorText(err);
      this.o.changed();
      throw err;
    }
    if (this.saveError !== undefined) {
      this.saveError = undefined;
      this.o.changed();
    }
  }
}
