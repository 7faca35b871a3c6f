/**
 * The LoRAs of a running streamdiffusion: chosen at load, their strengths set every frame, and a change of choice
 * carried out while the show goes on: the text encoders and the UNet are opened again with the new branches
 * beside the ones in use, put in place between two frames once ready, and the old ones released. A change that
 * fails (a file that is not a LoRA, one for another model) leaves the graphs in use as they were and says why.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ParamValues } from '../../src/params/spec';
import { NO_LORA, loraFile } from '../../src/runtime/lora/lora-folder';
import { checkLoraBytes } from '../../src/runtime/lora/lora-file';
import { LoraStrengths } from '../../src/runtime/lora/strength-session';
import type { LoraToApply } from '../../src/runtime/lora/apply-lora';
import { loraSlots } from '../shared/lora-params';
import type { loraParams } from '../shared/lora-params';
import type { DiffusionModel, LoraNetworks } from './diffusion-model';
import type { LoraSet } from './session-io';

type LoraValues = ParamValues<typeof loraParams>;

/** The chosen names, slot by slot: what a change is told by. */
const choiceOf = (params: LoraValues) => loraSlots.map((s) => params[s.name]).join('|');

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
  ) {}

  /** The LoRAs of these values, read and checked, for the load; undefined when none is chosen. */
  async atLoad(params: LoraValues): Promise<LoraSet | undefined> {
    this.setStrengths(params);
    const set = await this.read(params);
    this.inUse = choiceOf(params);
    return set;
  }

  /** At each frame, before anything runs: the strengths, a change of LoRA put in place or started. */
  async frame(params: LoraValues, model: DiffusionModel): Promise<void> {
    this.setStrengths(params);
    const ready = this.ready;
    if (ready) {
      this.ready = undefined;
      await model.swapNetworks(ready.networks, ready.salt);
      this.inUse = ready.choice;
      this.log(`LoRA now ${describe(ready.choice)}`);
    }
    const choice = choiceOf(params);
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
      if (this.closed) await this.release();
    } catch (err) {
      this.failed = choice;
      const why = err instanceof Error ? err.message : String(err);
      this.log(`LoRA change to ${describe(choice)} refused, ${describe(this.inUse)} goes on: ${why}`);
    }
  }

  private async release(): Promise<void> {
    const r = this.ready;
    this.ready = undefined;
    if (r)
      await Promise.allSettled([...r.networks.towers.map((t) => t.session), r.networks.unet].map((s) => s.release()));
  }

  private setStrengths(params: LoraValues): void {
    for (const s of loraSlots) this.strengths.set(s.input, params[s.scale]);
  }

  private async read(params: LoraValues): Promise<LoraSet | undefined> {
    const list: LoraToApply[] = [];
    const hashes: string[] = [];
    for (const slot of loraSlots) {
      const name = params[slot.name];
      if (name === NO_LORA) continue;
      const bytes = await readFile(loraFile(name, this.root()));
      list.push({ ...checkLoraBytes(bytes, `${name}.safetensors`), strengthInput: slot.input });
      hashes.push(createHash('sha256').update(bytes).digest('hex'));
    }
    if (list.length === 0) return undefined;
    const matched = (label: string, n: number[]) =>
      this.log(`${label}: ${list.map((l, i) => `${l.name} reaches ${n[i]} MatMuls`).join(', ')}`);
    return { list, hashes, strengths: this.strengths, matched };
  }
}

function describe(choice: string): string {
  const names = choice.split('|').filter((n) => n !== NO_LORA);
  return names.length ? names.join(' + ') : 'no LoRA';
}
