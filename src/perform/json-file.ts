/**
 * One settings file of the perform layer: read once with the shared reader, written atomically, one write at a time;
 * a change whose write fails is undone in memory and refused with `save_failed` (507).
 */
import { readSettingsFile } from '../files';
import { SettingsWriter, settingsText } from '../settings-writer';
import type { WriteFile } from '../settings-writer';
import type { z } from 'zod';

export class JsonFile<T> {
  private readonly writer: SettingsWriter;

  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly what: string,
    private readonly log: (message: string) => void,
    write?: WriteFile,
  ) {
    this.writer = new SettingsWriter({ path, what: `the ${what.toLowerCase()}`, log, ...(write ? { write } : {}) });
  }

  /** The file's content; undefined when missing or invalid (an invalid one is set aside as `.bad`, and said). */
  read(): Promise<T | undefined> {
    return readSettingsFile(this.path, this.schema, this.what, this.log);
  }

  /** Writes `data`; when that fails, `undo` puts memory back as the file still has it, and `save_failed` is thrown. */
  write(data: T, undo: () => void): Promise<void> {
    return this.writer.save(settingsText(data), undo);
  }

  /** Resolves once every write so far is on disk (or failed and was said). */
  flush(): Promise<void> {
    return this.writer.flush();
  }
}
