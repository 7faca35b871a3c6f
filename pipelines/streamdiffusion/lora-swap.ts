/**
 * The LoRAs of a running streamdiffusion: chosen at load, their strengths set every frame, and a change of choice
 * carried out while the show goes on: the text encoders and the UNet are opened again with the new branches
 * beside the ones in use, put in place between two frames once ready, and the old ones released. A change that
 * fails (a file that is not a LoRA, one for another model) leaves the graphs in use as they were and says why: in
 * the log and, until a later change succeeds or the choice goes back to the LoRAs in use, in the pipeline's status.
 */
import { NO_LORA } from '../../src/runtime/lora/lora-folder';
import type { LoraSet } from '../../src/runtime/lora/lora-set';
import { LoraStrengths } from '../../src/runtime/lora/strength-session';
import { loraChoice, readLoraSet, setLoraStrengths } from '../shared/lora-set';
import type { LoraValues } from '../shared/lora-set';
import type { DiffusionModel } from './diffusion-model';
import type { LoraNetworks } from './open-networks';

export class LoraSwap {
  readonly strengths = new LoraStrengths();
  private inUse = '';
  private pending: { choice: string; done: Promise<void> } | undefined;
  private ready: { choice: string; networks: LoraNetworks; salt: () => string } | undefined;
  private failed: string | undefined;
  private closed = false;

  constructor(
    private readonly log: (message: string) => void,
    private readonly root: () => string,
    /** Shows (a sentence) or clears (null) the refused change in the pipeline's status. */
    private readonly warn: (sentence: string | null) => void = () => {},
  ) {}

  /** The LoRAs of these values, read and checked, for the load; undefined when none is chosen. */
  async atLoad(params: LoraValues): Promise<LoraSet | undefined> {
    this.setStrengths(params);
    const set = await this.read(params);
    this.inUse = loraChoice(params);
    return set;
  }

  /** At each frame, before anything runs: the strengths, a change of LoRA put in place or started. */
  async frame(params: LoraValues, model: DiffusionModel): Promise<void> {
    this.setStrengths(params);
    const choice = loraChoice(params);
    const ready = this.ready;
    if (ready && ready.choice !== choice) {
      // Taken back (or changed again) while it was opening: what is asked for now is opened instead.
      await this.release();
    } else if (ready) {
      this.ready = undefined;
      // Not put in place (the UNet file changed while they opened): the choice is opened again below.
      if (await model.swapNetworks(ready.networks, ready.salt)) {
        this.inUse = ready.choice;
        this.log(`LoRA now ${describe(ready.choice)}`);
      }
    }
    if (choice === this.inUse && this.failed !== undefined) {
      // Back to the LoRAs in use: the refused change is no longer asked for.
      this.failed = undefined;
      this.warn(null);
    }
    if (choice === this.inUse || choice === this.failed || this.pending) return;
    const done = this.reopen(params, choice, model).finally(() => (this.pending = undefined));
    this.pending = { choice, done };
  }

  /** Waits for a change under way (tests; the frames never wait for it). */
  async settled(): Promise<void> {
    await this.pending?.done;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pending?.done;
    await this.release();
  }

  private async reopen(params: LoraValues, choice: string, model: DiffusionModel): Promise<void> {
    try {
      const set = await this.read(params);
      const networks = await model.openWithLoras(set);
      const inputs = set?.list.map((l) => l.strengthInput) ?? [];
      await this.release();
      this.ready = { choice, networks, salt: () => this.strengths.key(inputs) };
      this.failed = undefined;
      this.warn(null);
      if (this.closed) await this.release();
    } catch (err) {
      this.failed = choice;
      const why = err instanceof Error ? err.message : String(err);
      const sentence = `LoRA change to ${describe(choice)} refused, ${describe(this.inUse)} goes on: ${why}`;
      this.log(sentence);
      this.warn(sentence);
    }
  }

  private async release(): Promise<void> {
    const r = this.ready;
    this.ready = undefined;
    if (r)
      await Promise.allSettled([...r.networks.towers.map((t) => t.session), r.networks.unet].map((s) => s.release()));
  }

  private setStrengths(params: LoraValues): void {
    setLoraStrengths(this.strengths, params);
  }

  private read(params: LoraValues): Promise<LoraSet | undefined> {
    return readLoraSet(params, this.root(), this.strengths, this.log);
  }
}

function describe(choice: string): string {
  const names = choice.split('|').filter((n) => n !== NO_LORA);
  return names.length ? names.join(' + ') : 'no LoRA';
}
