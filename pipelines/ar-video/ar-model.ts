/** An ar-video export opened: contract.json read, every graph checked against the contract, sessions made. */
import { join } from 'node:path';
import type { InferenceBackend } from '../../src/runtime/backend';
import { assertContract, blockSpec } from './contract';
import type { ArSession } from './device';
import { Device } from './device';
import { readExportConfig } from './export-config';
import type { ExportConfig } from './export-config';
import { DeviceOps } from './ops';
import { StreamingCodec } from './streaming-codec';
import { ArTextEncoder } from './text-encoder';
import type { LoraSet } from '../../src/runtime/lora/lora-set';

export interface ArModelOptions {
  /** The Wan VAE decoder, the tiny one (TAEHV), or none (the bench times blocks alone). */
  decoder: 'full' | 'tiny' | 'none';
  /** Open the encoder too (video to video). */
  encoder: boolean;
  /** LoRAs for the block (the DiT): branches beside the MatMuls they match, strengths fed per run. */
  loras?: LoraSet;
}

export class ArModel {
  private constructor(
    readonly dir: string,
    readonly config: ExportConfig,
    readonly device: Device,
    readonly ops: DeviceOps,
    readonly block: ArSession,
    readonly decoder: StreamingCodec | undefined,
    readonly encoder: StreamingCodec | undefined,
    readonly text: ArTextEncoder | undefined,
  ) {}

  static async open(
    runtime: InferenceBackend,
    dir: string,
    options: ArModelOptions,
    progress: (stage: string, fraction: number) => void = () => {},
  ): Promise<ArModel> {
    const config = await readExportConfig(dir);
    const device = new Device(runtime);
    try {
      progress('loading the block', 0.1);
      let reached: number[] = [];
      const given = options.loras;
      const loras = given && {
        ...given,
        matched: (label: string, matched: number[]) => {
          reached = matched;
          given.matched?.(label, matched);
        },
      };
      const block = await device.open('block', join(dir, 'block.onnx'), [], loras);
      const missed = given?.list.filter((_, i) => !reached[i]);
      if (missed?.length) {
        throw new Error(
          `LoRA ${missed.map((l) => l.name).join(', ')} matches no MatMul of ${config.model}'s block ` +
            '(a LoRA for another model, or keys this loader does not know)',
        );
      }
      assertContract('block.onnx', block.signature, blockSpec(config), config.dtype);
      const ops = await DeviceOps.open(device, config);
      progress('loading the VAE', 0.6);
      let decoder: StreamingCodec | undefined;
      if (options.decoder !== 'none') {
        const files = config.vae.decoders[options.decoder];
        if (!files) throw new Error(`this export has no ${options.decoder === 'tiny' ? 'tiny ' : ''}VAE decoder`);
        decoder = await StreamingCodec.open(device, ops, dir, files, 'decoder', config);
      }
      let encoder: StreamingCodec | undefined;
      if (options.encoder) {
        if (!config.vae.encoder) throw new Error('this export has no VAE encoder, which video to video needs');
        encoder = await StreamingCodec.open(device, ops, dir, config.vae.encoder, 'encoder', config);
      }
      progress('loading the text encoder', 0.8);
      const text = config.textEncoder ? await ArTextEncoder.open(device, dir, config) : undefined;
      return new ArModel(dir, config, device, ops, block, decoder, encoder, text);
    } catch (err) {
      await device.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.device.close();
  }
}
