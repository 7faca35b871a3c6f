/**
 * The output delay kept across restarts: `output-delay.json` in the config dir holds its setting (milliseconds or
 * beats), written atomically one write at a time; a change whose write fails is undone in the delay line and
 * refused with `save_failed` (507), as every settings file is. A start flag (`--output-delay`) wins over the file
 * for that run, without writing it.
 */
import { z } from 'zod';
import { readSettingsFile } from '../files';
import { SettingsWriter, settingsText } from '../settings-writer';
import type { WriteFile } from '../settings-writer';
import type { OutputDelay, OutputDelayBody } from '../shared/latency';
import type { FrameDelayLine } from './output-delay';

export const outputDelayFileSchema = z.strictObject({
  version: z.literal(1).default(1),
  unit: z.enum(['ms', 'beats']),
  value: z.number().finite(),
});

export interface OutputDelayStoreOptions {
  path: string;
  log: (message: string) => void;
  write?: WriteFile;
}

/** The setting as a PUT body: what `set` takes back. */
export function delayBody(setting: { unit: 'ms' | 'beats'; value: number }): OutputDelayBody {
  return setting.unit === 'ms' ? { ms: setting.value } : { beats: setting.value };
}

export class OutputDelayStore {
  private readonly writer: SettingsWriter;

  constructor(
    readonly line: FrameDelayLine,
    private readonly o: OutputDelayStoreOptions,
  ) {
    this.writer = new SettingsWriter({
      path: o.path,
      what: 'the output delay',
      log: o.log,
      ...(o.write ? { write: o.write } : {}),
    });
  }

  /** Sets the line from the start flag when given, else from the file (missing: 0 ms; damaged: set aside, said). */
  async load(start?: OutputDelayBody): Promise<void> {
    if (start) {
      this.line.set(start);
      return;
    }
    const read = await readSettingsFile(this.o.path, outputDelayFileSchema, 'Output delay', this.o.log);
    if (read) this.line.set(delayBody(read));
  }

  /** The setting now, as a PUT body. */
  setting(): OutputDelayBody {
    return delayBody(this.line.status());
  }

  /** Sets the delay (clamped) and saves it; a failed save puts the delay back as it was and throws `save_failed`. */
  async set(body: OutputDelayBody): Promise<OutputDelay> {
    const before = this.setting();
    const { unit, value } = this.line.set(body);
    await this.writer.save(settingsText({ version: 1, unit, value }), () => this.line.set(before));
    return this.line.status();
  }

  /** Resolves once every write so far is on disk (or failed and was said). */
  flush(): Promise<void> {
    return this.writer.flush();
  }
}
