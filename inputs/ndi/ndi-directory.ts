import { loadNdi } from '../../src/media/ndi-lib';
import type { NdiLoader } from './ndi-source';

/** How long a finder is kept after the last listing: discovery takes a moment, a panel asks again soon. */
const KEEP_MS = 60_000;
/** A new finder hears about senders within about a second. */
const FIRST_LOOK_MS = 1000;

/**
 * The NDI senders on the network, for GET /api/v1/input/devices: one finder per set of extra addresses, made on
 * the first question and dropped a minute after the last.
 */
export class NdiDirectory {
  private readonly finders = new Map<string, { handle: unknown; timer: NodeJS.Timeout | undefined; born: number }>();

  constructor(private readonly load: NdiLoader = loadNdi) {}

  /** Sender names, or the reason there are none (no runtime). */
  async list(extraIps = ''): Promise<{ names: string[] } | { reason: string }> {
    const loaded = this.load();
    if (!('lib' in loaded)) return { reason: loaded.reason };
    const { lib } = loaded;
    let f = this.finders.get(extraIps);
    if (!f) {
      const handle = lib.findCreate(extraIps);
      if (!handle) return { reason: 'NDI could not start looking for senders' };
      f = { handle, born: Date.now(), timer: undefined };
      this.finders.set(extraIps, f);
    }
    const finder = f;
    clearTimeout(finder.timer);
    finder.timer = setTimeout(() => this.drop(extraIps), KEEP_MS).unref();
    const young = FIRST_LOOK_MS - (Date.now() - finder.born);
    if (young > 0) await new Promise((r) => setTimeout(r, young));
    return { names: lib.findSources(finder.handle).map((s) => s.name) };
  }

  close(): void {
    for (const key of [...this.finders.keys()]) this.drop(key);
  }

  private drop(key: string): void {
    const f = this.finders.get(key);
    if (!f) return;
    clearTimeout(f.timer);
    this.finders.delete(key);
    const loaded = this.load();
    if ('lib' in loaded) loaded.lib.findDestroy(f.handle);
  }
}
