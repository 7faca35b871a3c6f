import { z } from 'zod';
import type { Availability, Output, OutputContext, OutputFrame, OutputStatus } from '../output';

export const syphonOptionsSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });
export type SyphonOptions = z.infer<typeof syphonOptionsSchema>;

/** The part of node-syphon used: an OpenGL server that publishes RGBA pixels. */
export interface SyphonServer {
  publishImageData(
    data: Uint8ClampedArray,
    target: 'GL_TEXTURE_2D',
    region: { x: number; y: number; width: number; height: number },
    size: { width: number; height: number },
    flipped: boolean,
  ): void;
  dispose(): void;
}
export interface SyphonModule {
  SyphonOpenGLServer: new (name: string) => SyphonServer;
}
export type SyphonLoader = () => Promise<SyphonModule>;

export const SYPHON_INSTALL = 'npm install node-syphon';

/** node-syphon is macOS-only and optional: imported by a name TypeScript does not resolve, only when started. */
export const importSyphon: SyphonLoader = async () => {
  const name = 'node-syphon';
  return (await import(name)) as SyphonModule;
};

/**
 * A Syphon server (macOS). Never a dependency of the project: started only when node-syphon can be imported,
 * listed otherwise with the command that installs it. Never run on a Mac by its author; see docs/outputs.md.
 */
export class SyphonOutput implements Output<SyphonOptions> {
  readonly kind = 'syphon';
  readonly name = 'Syphon';
  readonly optionsSchema = syphonOptionsSchema.partial();
  private o: SyphonOptions;
  private server: SyphonServer | undefined;
  private mod: SyphonModule | undefined;
  private ctx: OutputContext | undefined;
  /** Set when the last import failed, so the listing says why. */
  private missing: string | undefined;

  constructor(
    readonly id = 'syphon',
    options: Partial<SyphonOptions> = {},
    private readonly load: SyphonLoader = importSyphon,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.o = { name: 'daydream-scope', ...options };
  }

  availability(): Availability {
    if (this.platform !== 'darwin')
      return { available: false, reason: `Syphon exists only on macOS (this is ${this.platform})` };
    if (this.missing) return { available: false, reason: this.missing };
    return { available: true };
  }

  async start(ctx: OutputContext): Promise<void> {
    try {
      this.mod = await this.load();
    } catch (err) {
      this.missing = `node-syphon is not installed (${(err as Error).message.split('\n')[0]}); run \`${SYPHON_INSTALL}\``;
      throw new Error(this.missing, { cause: err });
    }
    this.ctx = ctx;
    this.server = new this.mod.SyphonOpenGLServer(this.o.name);
    ctx.log(`Syphon server "${this.o.name}" is published.`);
  }

  async stop(): Promise<void> {
    this.server?.dispose();
    this.server = undefined;
    this.ctx = undefined;
  }

  accept(frame: OutputFrame): void {
    if (!this.server) return;
    const rgba = frame.pixels('rgba');
    const { width, height } = frame;
    // Rows go top to bottom; OpenGL's origin is the bottom-left, hence flipped.
    const data = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength);
    this.server.publishImageData(data, 'GL_TEXTURE_2D', { x: 0, y: 0, width, height }, { width, height }, true);
  }

  status(): OutputStatus {
    return { clients: 0, urls: [`syphon://${this.o.name}`] };
  }

  options(): SyphonOptions {
    return { ...this.o };
  }

  setOptions(patch: Partial<SyphonOptions>): void {
    const renamed = patch.name !== undefined && patch.name !== this.o.name;
    this.o = { ...this.o, ...patch };
    if (!renamed || !this.server || !this.mod) return;
    this.server.dispose();
    this.server = new this.mod.SyphonOpenGLServer(this.o.name);
    this.ctx?.log(`Syphon server renamed to "${this.o.name}".`);
  }
}
