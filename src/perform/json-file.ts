/** One settings file of the perform layer: read once with the shared reader, written atomically, one write at a time. */
import { readSettingsFile, writeFileAtomic } from '../files';
import type { z } from 'zod';

export class JsonFile<T> {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly schema: z.ZodType<T>,
    private readonly what: string,
    private readonly log: (message: string) => void,
  ) {}

  /** The file's content; undefined when missing or invalid (an invalid one is set aside as `.bad`, and said). */
  read(): Promise<T | undefined> {
    return readSettingsFile(this.path, this.schema, this.what, this.log);
  }

  /** Queues a write; a failure is logged, and the next write still happens. */
  write(data: T): Promise<void> {
    const text = `${JSON.stringify(data, null, 2)}\n`;
    const write = this.writing.then(() => writeFileAtomic(this.path, text));
    this.writing = write.catch((err: Error) => this.log(`${this.what}: could not save ${this.path}: ${err.message}`));
    return this.writing;
  }

  /** Resolves once every write so far is on disk (or failed and was logged). */
  flush(): Promise<void> {
    return this.writing;
  }
}
