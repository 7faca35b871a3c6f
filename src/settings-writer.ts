/**
 * Writes one settings file (MIDI mappings, cues, the timeline, modulators, a take) so that memory and file agree
 * even on a full disk: writes go one at a time, in order, and a change whose write fails is undone in memory.
 */
import { saveFailed, writeFileAtomic } from './files';

/** How a settings file is written: writeFileAtomic, or a full disk in a test. */
export type WriteFile = (path: string, text: string) => Promise<void>;

export type SettingsWriterOptions = {
  path: string;
  /** What the file holds, for the sentence: "the MIDI mappings", "the cues". */
  what: string;
  log: (message: string) => void;
  write: WriteFile;
};

export class SettingsWriter {
  private readonly o: SettingsWriterOptions;
  private writing: Promise<void> = Promise.resolve();
  private waiting = 0;
  /** The undo of the earliest change the file lacks since it last held memory's state. */
  private undo: (() => void) | undefined;

  constructor(options: Omit<SettingsWriterOptions, 'write'> & Partial<Pick<SettingsWriterOptions, 'write'>>) {
    this.o = { write: writeFileAtomic, ...options } satisfies SettingsWriterOptions;
  }

  get path(): string {
    return this.o.path;
  }

  /**
   * Queues `text` behind the writes before it; resolves once it is on disk. When the write fails, the caller gets
   * `save_failed` (507), said in the log, and `undo` (the change already made in memory) is run — once no later
   * write is waiting, since that one carries this change too: if it succeeds, file and memory agree again; if it
   * fails, the earliest undo puts memory back to what the file still holds. (So a change answered 507 while a
   * later one was queued can still reach the file with that later one; memory and file agree either way.)
   */
  async save(text: string, undo: () => void): Promise<void> {
    this.waiting++;
    const write = this.writing.then(() => this.o.write(this.o.path, text));
    // A failed write must not block the next one; the caller still sees this one fail.
    this.writing = write.catch(() => {});
    let failure: { err: unknown } | undefined;
    try {
      await write;
      this.undo = undefined;
    } catch (err) {
      this.undo ??= undo;
      failure = { err };
    } finally {
      this.waiting--;
    }
    if (this.waiting === 0 && this.undo) {
      const undoNow = this.undo;
      this.undo = undefined;
      undoNow();
    }
    if (failure) {
      const error = saveFailed(this.o.what, this.o.path, failure.err);
      this.o.log(error.message);
      throw error;
    }
  }

  /** Resolves once every write so far is on disk or has failed. */
  flush(): Promise<void> {
    return this.writing;
  }
}

/** A settings file's text: indented JSON with a final newline, as a person would like to read it. */
export const settingsText = (data: unknown): string => `${JSON.stringify(data, null, 2)}\n`;
