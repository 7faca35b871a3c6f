import { z } from 'zod';
import { every } from '../../src/kernel/timers';
import { rgbaRows } from '../../src/media/to-rgba';
import type { Availability, InputSource, SourceContext } from '../source';

export const syphonSourceOptionsSchema = z.strictObject({
  /** The server to receive, by its name or its application's name; empty takes the first one announced. */
  server: z.string().max(256),
});
export type SyphonSourceOptions = z.infer<typeof syphonSourceOptionsSchema>;

/** A server as node-syphon's directory describes it. */
export interface SyphonServerDescription {
  SyphonServerDescriptionNameKey: string;
  SyphonServerDescriptionAppNameKey: string;
  SyphonServerDescriptionUUIDKey: string;
}

/** The part of node-syphon used: the server directory and an OpenGL client that hands frames as RGBA. */
export interface SyphonClientModule {
  SyphonServerDirectory: new () => { listen(): void; readonly servers: SyphonServerDescription[]; dispose(): void };
  SyphonOpenGLClient: new (server: SyphonServerDescription) => {
    on(channel: 'frame', listener: (frame: { buffer: Uint8Array; width: number; height: number }) => void): void;
    dispose(): void;
  };
}
export type SyphonClientLoader = () => Promise<SyphonClientModule>;

/** node-syphon is macOS-only and optional: imported by a name TypeScript does not resolve, only when started. */
export const importSyphonClient: SyphonClientLoader = async () => {
  const name = 'node-syphon';
  return (await import(name)) as SyphonClientModule;
};

/** `server` picks a description by name, by application name, or (empty) the first. */
export function pickServer(servers: SyphonServerDescription[], server: string): SyphonServerDescription | undefined {
  if (!server) return servers[0];
  return servers.find(
    (s) => s.SyphonServerDescriptionNameKey === server || s.SyphonServerDescriptionAppNameKey === server,
  );
}

const LOOK_EVERY_MS = 500;

/**
 * A Syphon client (macOS) through node-syphon: the server is looked for in the directory, frames come as RGBA
 * read back from OpenGL (bottom row first, flipped here). When the server retires the last frame is held until
 * it is announced again. Never run on a Mac by its author.
 */
export class SyphonSource implements InputSource<SyphonSourceOptions> {
  readonly kind = 'syphon';
  readonly optionsSchema = syphonSourceOptionsSchema.partial();
  private o: SyphonSourceOptions;
  private missing: string | undefined;
  private directory: InstanceType<SyphonClientModule['SyphonServerDirectory']> | undefined;
  private client: { uuid: string; dispose(): void; name: string } | undefined;
  private stopLooking: (() => void) | undefined;

  constructor(
    readonly id = 'syphon',
    options: Partial<SyphonSourceOptions> = {},
    private readonly load: SyphonClientLoader = importSyphonClient,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.o = { server: '', ...options };
  }

  get name(): string {
    return this.o.server ? `Syphon ${this.o.server}` : 'Syphon (first server)';
  }

  availability(): Availability {
    if (this.platform !== 'darwin')
      return { available: false, reason: `Syphon exists only on macOS (this is ${this.platform})` };
    if (this.missing) return { available: false, reason: this.missing };
    return { available: true };
  }

  async start(ctx: SourceContext): Promise<void> {
    let mod: SyphonClientModule;
    try {
      mod = await this.load();
    } catch (err) {
      this.missing = `node-syphon is not installed (${(err as Error).message.split('\n')[0]}); run \`npm install node-syphon\``;
      throw new Error(this.missing, { cause: err });
    }
    const directory = new mod.SyphonServerDirectory();
    directory.listen();
    this.directory = directory;
    ctx.waiting(this.o.server ? `looking for the Syphon server "${this.o.server}"` : 'looking for a Syphon server');
    const look = () => this.look(mod, directory, ctx);
    look();
    this.stopLooking = every(ctx.timers, LOOK_EVERY_MS, look);
  }

  async stop(): Promise<void> {
    this.stopLooking?.();
    this.stopLooking = undefined;
    this.client?.dispose();
    this.client = undefined;
    // The directory is node-syphon's single instance: disposing it ends its helper process.
    this.directory?.dispose();
    this.directory = undefined;
  }

  options(): SyphonSourceOptions {
    return { ...this.o };
  }

  setOptions(patch: Partial<SyphonSourceOptions>): void {
    this.o = { ...this.o, ...patch };
    // The next look connects to the newly named server.
    this.client?.dispose();
    this.client = undefined;
  }

  detail(): string | undefined {
    return this.client && `from ${this.client.name}`;
  }

  private look(mod: SyphonClientModule, directory: { servers: SyphonServerDescription[] }, ctx: SourceContext): void {
    const server = pickServer(directory.servers, this.o.server);
    if (this.client && server?.SyphonServerDescriptionUUIDKey === this.client.uuid) return;
    if (this.client) {
      this.client.dispose();
      this.client = undefined;
      ctx.lost('the Syphon server retired; waiting for it to come back', false);
    }
    if (!server) return;
    const client = new mod.SyphonOpenGLClient(server);
    client.on('frame', ({ buffer, width, height }) =>
      ctx.frame({ width, height, rgba: () => rgbaRows(buffer, width, height, width * 4, true) }),
    );
    const name = `${server.SyphonServerDescriptionAppNameKey} – ${server.SyphonServerDescriptionNameKey}`;
    this.client = { uuid: server.SyphonServerDescriptionUUIDKey, name, dispose: () => client.dispose() };
    ctx.changed();
  }
}
