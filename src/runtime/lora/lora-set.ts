import type { LoraToApply } from './apply-lora';
import type { LoraStrengths } from './strength-session';

/** LoRAs as a load applies them: the files read, their contents' hashes, and the live strength table. */
export interface LoraSet {
  list: LoraToApply[];
  hashes: string[];
  strengths: LoraStrengths;
  /** Put before the graph's module keys (SECOND_TEXT_ENCODER when the graph is SDXL's second text encoder). */
  keyPrefix?: string;
  /** Told how many MatMuls of a graph file each LoRA reached. */
  matched?: (label: string, matched: number[]) => void;
}
