/**
 * A session whose LoRA strength inputs are fed from a shared table, so every caller (the host path, the device
 * engine) runs it as it ran the base graph: the strengths are set once per frame and reach every run of it.
 */
import type { KeptOutputs, OrtSession, RunOptions } from '../session';
import type { Feed } from '../tensor';

/** The live strength of each strength input (`lora_scale`, `lora_scale2`, ...); 0 until set. */
export class LoraStrengths {
  private readonly values = new Map<string, number>();

  set(input: string, value: number): void {
    this.values.set(input, value);
  }

  get(input: string): number {
    return this.values.get(input) ?? 0;
  }

  /** A key of the values of these inputs, for caches of what a strength changes (encoded prompts). */
  key(inputs: readonly string[]): string {
    return inputs.map((i) => this.get(i)).join(',');
  }
}

/** `session` with each of `inputs` fed its strength as a float scalar at every run. */
export function withStrengths(session: OrtSession, inputs: readonly string[], strengths: LoraStrengths): OrtSession {
  if (inputs.length === 0) return session;
  const feedsOf = (feeds: Record<string, Feed>): Record<string, Feed> => {
    const all = { ...feeds };
    for (const i of inputs) all[i] = { type: 'float32', dims: [], data: Float32Array.of(strengths.get(i)) };
    return all;
  };
  async function run(feeds: Record<string, Feed>): Promise<Record<string, Feed>>;
  async function run<K extends string>(feeds: Record<string, Feed>, o: RunOptions<K>): Promise<KeptOutputs<K>>;
  async function run(feeds: Record<string, Feed>, o?: RunOptions) {
    return o ? session.run(feedsOf(feeds), o) : session.run(feedsOf(feeds));
  }
  return {
    inputNames: session.inputNames.filter((n) => !inputs.includes(n)),
    outputNames: session.outputNames,
    provider: session.provider,
    run: run as OrtSession['run'],
    endProfiling: () => session.endProfiling(),
    release: () => session.release(),
  };
}
