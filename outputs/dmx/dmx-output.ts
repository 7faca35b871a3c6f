/**
 * DMX out as an output of the hub: each frame (at most `rateHz` a second, 44 by default: DMX512's own refresh
 * rate for a full universe) is sampled onto the pixel layout, the channel sources (parameters, beat, cue) are
 * written beside it, and every universe touched is sent over Art-Net or sACN to the destination, 127.0.0.1 unless
 * told otherwise. Listed in /api/v1/outputs with its state; PUT there changes its options.
 */
import { z } from 'zod';
import { channelSourceSchema, writeSources } from './channel-sources';
import { DmxSender } from './dmx-sender';
import { fixtureSchema, patchPixels } from './pixel-layout';
import { samplePixels } from './pixel-sampler';
import { UNIVERSE_RANGE, dmxProtocolSchema } from '../../src/shared/dmx';
import type { ShowReadings } from './channel-sources';
import type { PatchedPixel } from './pixel-layout';
import type { Availability, Output, OutputFrame, OutputStatus } from '../output';

const optionsShape = {
  protocol: dmxProtocolSchema,
  /** Where to send: an IPv4 address (a node, or a broadcast address for Art-Net), or `multicast` for sACN. */
  host: z.union([z.ipv4(), z.literal('multicast')]),
  /** 0 = the protocol's own port. */
  port: z.number().int().min(0).max(65535),
  rateHz: z.number().min(1).max(44),
  /** sACN priority (0-200); receivers take the highest. */
  priority: z.number().int().min(0).max(200),
  fixtures: z.array(fixtureSchema).max(1024),
  channels: z.array(channelSourceSchema).max(4096),
};
/** The output's options as a whole (a `--dmx-layout` file); PUT patches are checked by `optionsSchema`. */
export const dmxOutputOptionsSchema = z.strictObject(optionsShape).partial();
const optionsSchema = z.strictObject(optionsShape);
export type DmxOutputOptions = z.infer<typeof optionsSchema>;

export const dmxOutputDefaults = (): DmxOutputOptions => ({
  protocol: 'artnet',
  host: '127.0.0.1',
  port: 0,
  rateHz: 44,
  priority: 100,
  fixtures: [],
  channels: [],
});

/** What is wrong with a whole set of options, in a sentence; undefined when they can be sent. */
function problem(o: DmxOutputOptions): string | undefined {
  const [lo, hi] = UNIVERSE_RANGE[o.protocol];
  if (o.host === 'multicast' && o.protocol !== 'sacn') return 'multicast is for sACN; Art-Net takes an address';
  for (const [i, c] of o.channels.entries()) {
    if (c.universe < lo || c.universe > hi) return `channel source ${i + 1}: ${o.protocol} universes are ${lo}-${hi}`;
  }
  for (const [i, f] of o.fixtures.entries()) {
    if (f.universe < lo || f.universe > hi) return `fixture ${i + 1}: ${o.protocol} universes are ${lo}-${hi}`;
  }
  const pixels = patchPixels(o.fixtures, o.protocol);
  return typeof pixels === 'string' ? pixels : undefined;
}

export class DmxOutput implements Output<DmxOutputOptions> {
  readonly kind = 'dmx' as const;
  readonly name = 'DMX (Art-Net / sACN)';
  private o: DmxOutputOptions;
  private pixels: PatchedPixel[] = [];
  private sender: DmxSender | undefined;
  private lastSent: number | undefined;
  private readonly sentAt: number[] = [];
  private universes: number[] = [];

  constructor(
    readonly id: string,
    options: Partial<DmxOutputOptions>,
    private readonly show: ShowReadings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.o = { ...dmxOutputDefaults(), ...options } satisfies DmxOutputOptions;
    const wrong = problem(this.o);
    if (wrong) throw new Error(`DMX output: ${wrong}`);
    this.pixels = patchPixels(this.o.fixtures, this.o.protocol) as PatchedPixel[];
  }

  /** A patch is checked against the options it would make, so a protocol and its universes agree. */
  get optionsSchema(): z.ZodType<Partial<DmxOutputOptions>> {
    return optionsSchema.partial().superRefine((patch, ctx) => {
      const wrong = problem({ ...this.o, ...patch } as DmxOutputOptions);
      if (wrong) ctx.addIssue({ code: 'custom', message: wrong });
    }) as z.ZodType<Partial<DmxOutputOptions>>;
  }

  availability(): Availability {
    return { available: true };
  }

  async start(): Promise<void> {
    const sender = new DmxSender({ ...this.o, sourceName: 'daydream-scope' });
    await sender.open();
    this.sender = sender;
    this.lastSent = undefined;
  }

  async stop(): Promise<void> {
    const sender = this.sender;
    this.sender = undefined;
    await sender?.close();
  }

  accept(frame: OutputFrame): void {
    const sender = this.sender;
    if (!sender) return;
    const now = this.now();
    // Half a millisecond of slack: a 44 Hz frame that arrives a hair early still goes.
    if (this.lastSent !== undefined && now - this.lastSent < 1000 / this.o.rateHz - 0.5) return;
    this.lastSent = now;
    const universes = new Map<number, Uint8Array>();
    samplePixels(frame, this.pixels, universes);
    writeSources(this.o.channels, this.show, universes);
    for (const [u, levels] of universes) sender.send(u, levels);
    this.universes = [...universes.keys()].sort((a, b) => a - b);
    this.sentAt.push(now);
    while (this.sentAt.length > 0 && now - this.sentAt[0]! > 1000) this.sentAt.shift();
  }

  status(): OutputStatus {
    const to = `${this.o.protocol} ${this.o.host}${this.o.port ? `:${this.o.port}` : ''}`;
    const list = this.universes.length > 0 ? `universes ${this.universes.join(', ')}` : 'no universes yet';
    return {
      clients: 0,
      urls: [`${to}, ${list}`],
      fps: this.sentAt.length,
      ...(this.sender?.lastError
        ? { error: `sending failed ${this.sender.failed} times: ${this.sender.lastError}` }
        : {}),
    };
  }

  options(): DmxOutputOptions {
    return { ...this.o };
  }

  async setOptions(patch: Partial<DmxOutputOptions>): Promise<void> {
    const next = { ...this.o, ...patch };
    const wrong = problem(next);
    if (wrong) throw new Error(`DMX output: ${wrong}`);
    this.o = next;
    this.pixels = patchPixels(next.fixtures, next.protocol) as PatchedPixel[];
    // A new destination or protocol: a fresh sender (new sequences), if running.
    if (this.sender && ('protocol' in patch || 'host' in patch || 'port' in patch || 'priority' in patch)) {
      await this.stop();
      await this.start();
    }
  }
}
