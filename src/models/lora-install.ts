/**
 * Installs a LoRA by URL into `<models>/loras/`: the models' own transfer (resume from the `.incomplete` part with
 * an HTTP Range, sha256 when one is given, progress), into `loras/.incoming/` first, and moved into the folder only
 * once its header and tensors were read as a LoRA. Only `.safetensors` is taken: a pickled checkpoint (.ckpt, .pt,
 * .bin) can run code when it is loaded. The Hub's token goes only to the Hub's own origin.
 */
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkLoraBytes } from '../runtime/lora/lora-file';
import { LORA_EXTENSION, LORA_NAME, NO_LORA, listLoras, loraDir } from '../runtime/lora/lora-folder';
import type { LoraInstall, LoraInstallBody, LorasResponse } from '../shared/loras';
import { DownloadError, hubConfig } from './hub';
import { ensureSpace } from './disk';
import { DECIMAL, formatBytes } from '../shared/bytes';
import { RateMeter, eta } from './progress';
import { transferFile } from './transfer';

export interface LoraInstallerOptions {
  /** The models folder. */
  root: string;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
  now?: () => number;
  /** Told the folder and installs (as GET /api/v1/loras) on each change; progress at most ~4 times a second. */
  events?: { emit(topic: 'loras', data: LorasResponse): void };
}

/** Progress events at most this often: a panel follows a download without a flood. */
const EMIT_INTERVAL_MS = 250;

interface Entry {
  status: LoraInstall;
  meter: RateMeter;
  running: Promise<void> | undefined;
}

const PICKLED = /\.(ckpt|pt|pth|bin|pkl|pickle)$/i;
/** A LoRA is read whole to be checked and applied: anything bigger is not one. */
const MAX_LORA_BYTES = 2_000_000_000;
/** The URL as shown back and logged: its query and fragment may carry a token. */
const from = (url: URL) => `${url.origin}${url.pathname}`;

/** The URL's last path segment decoded; undefined when its percent-encoding is broken (decoding throws then). */
function fileOf(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.pathname.split('/').pop() ?? '');
  } catch {
    return undefined;
  }
}

export class LoraInstaller {
  private readonly entries = new Map<string, Entry>();
  private readonly stopping = new AbortController();
  private readonly o: Required<Omit<LoraInstallerOptions, 'env' | 'events'>> &
    Pick<LoraInstallerOptions, 'events'> & { env: NodeJS.ProcessEnv };
  private lastEmit = -Infinity;

  constructor(options: LoraInstallerOptions) {
    this.o = { fetch: globalThis.fetch, log: () => {}, now: Date.now, env: process.env, ...options };
  }

  /** Tells the listeners the list now; `progress` ones only when the last went out long enough ago. */
  private changed(progress = false): void {
    if (!this.o.events) return;
    const now = this.o.now();
    if (progress && now - this.lastEmit < EMIT_INTERVAL_MS) return;
    this.lastEmit = now;
    this.o.events.emit('loras', this.list());
  }

  /** The folder's LoRAs and this run's installs. */
  list(): LorasResponse {
    return {
      dir: loraDir(this.o.root),
      loras: listLoras(this.o.root).map(({ name, bytes }) => ({ name, bytes })),
      installs: [...this.entries.values()].map((e) => this.snapshot(e)),
    };
  }

  /**
   * Starts installing (or joins the install of the same name under way); a request that cannot be a LoRA is
   * answered with its sentence and changes nothing. `done` settles when the install ended (it never rejects).
   */
  start(
    body: LoraInstallBody,
  ): { error: string } | { name: string; state: LoraInstall['state']; joined: boolean; done: Promise<void> } {
    const url = new URL(body.url);
    const shown = from(url);
    const file = fileOf(url);
    if (file === undefined) {
      return { error: `${shown}: its file name is not valid percent-encoding (a stray "%"?)` };
    }
    if (PICKLED.test(file)) {
      return {
        error: `${file} is a pickled checkpoint: only ${LORA_EXTENSION} LoRAs are installed (a pickle can run code when it is loaded)`,
      };
    }
    if (!body.name && !file.endsWith(LORA_EXTENSION)) {
      return { error: `${shown} does not name a ${LORA_EXTENSION} file: give the LoRA a name ("name": "...")` };
    }
    const name = body.name ?? file.slice(0, -LORA_EXTENSION.length);
    if (!LORA_NAME.test(name)) {
      return {
        error: `"${name}" is not a LoRA name: letters, digits, ".", "_" and "-", at most 100, not starting with "."`,
      };
    }
    if (name === NO_LORA) return { error: `"${NO_LORA}" is the choice of no LoRA: give the LoRA another name` };
    const existing = this.entries.get(name);
    if (existing?.running) return { name, state: 'downloading', joined: true, done: existing.running };
    if (listLoras(this.o.root).some((e) => e.name === name)) {
      return { name, state: 'ready', joined: false, done: Promise.resolve() };
    }
    const entry: Entry = {
      status: { name, from: shown, state: 'downloading', bytes: 0, total: null, rate: 0, eta: null, error: null },
      meter: new RateMeter(this.o.now),
      running: undefined,
    };
    this.entries.set(name, entry);
    entry.running = this.run(entry, body, url).finally(() => {
      entry.running = undefined;
      // Ready (a new choice in the folder) or failed: said at once, whenever the last progress went out.
      this.changed();
    });
    this.changed();
    return { name, state: 'downloading', joined: false, done: entry.running };
  }

  /** Waits for the installs under way to end (tests and the server's stop). */
  async settled(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.running));
  }

  /** Stops the downloads under way; their parts stay for a later resume. */
  close(): void {
    this.stopping.abort(new Error('the server is stopping'));
  }

  private async run(entry: Entry, body: LoraInstallBody, url: URL): Promise<void> {
    const { name } = entry.status;
    const incoming = join(loraDir(this.o.root), '.incoming');
    const dest = join(incoming, `${name}${LORA_EXTENSION}`);
    try {
      await mkdir(incoming, { recursive: true });
      const hub = hubConfig(this.o.env);
      // The Hub's token for the Hub alone: a LoRA from anywhere else is fetched without it.
      const token = new URL(hub.endpoint).origin === url.origin ? hub.token : null;
      await transferFile({
        artifact: {
          repo: entry.status.from,
          revision: '',
          file: `${name}${LORA_EXTENSION}`,
          role: 'LoRA',
          ...(body.sha256 ? { sha256: body.sha256.toLowerCase() } : {}),
        },
        url: url.href,
        dest,
        hub: { endpoint: hub.endpoint, token },
        fetch: this.o.fetch,
        onProgress: (bytes, total) => {
          entry.status.bytes = bytes;
          entry.status.total = total;
          entry.meter.add(bytes);
          this.changed(true);
        },
        checkSpace: async (bytes) => {
          if (bytes > MAX_LORA_BYTES) {
            throw new DownloadError(
              'invalid',
              `${from(url)} is ${formatBytes(bytes, DECIMAL)}: more than a LoRA (they are megabytes, at most ${formatBytes(MAX_LORA_BYTES, DECIMAL)} here)`,
            );
          }
          await ensureSpace(incoming, bytes, `the LoRA ${name}`);
        },
        log: this.o.log,
        resumeHint: `install it again (POST /api/v1/loras with the same URL)`,
        signal: this.stopping.signal,
      });
      try {
        checkLoraBytes(await readFile(dest), `${name}${LORA_EXTENSION}`);
      } catch (err) {
        await rm(dest, { force: true });
        throw err;
      }
      await rename(dest, join(loraDir(this.o.root), `${name}${LORA_EXTENSION}`));
      entry.status.state = 'ready';
      this.o.log(
        `LoRA ${name} installed (${(await stat(join(loraDir(this.o.root), `${name}${LORA_EXTENSION}`))).size} bytes)`,
      );
    } catch (err) {
      entry.status.state = 'error';
      entry.status.error = err instanceof Error ? err.message : String(err);
      this.o.log(`installing LoRA ${name} failed: ${entry.status.error}`);
    }
  }

  private snapshot(e: Entry): LoraInstall {
    const rate = e.status.state === 'downloading' ? e.meter.rate : 0;
    return {
      ...e.status,
      rate,
      eta: e.status.state === 'downloading' ? eta(e.status.bytes, e.status.total, rate) : null,
    };
  }
}
