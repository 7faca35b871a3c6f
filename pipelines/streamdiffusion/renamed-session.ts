import type { KeptOutputs, OrtSession, RunOptions } from '../../src/runtime/session';
import type { Feed } from '../../src/runtime/tensor';
import type { Binding } from './tensor-roles';

/**
 * A session that takes and gives the pipeline's tensor names (`out_sample`) for a file that uses others
 * (`latent`), so every caller, host or device path, speaks one set of names whatever the export.
 */
export function renamedSession(session: OrtSession, binding: Binding): OrtSession {
  if (binding.inputs.size === 0 && binding.outputs.size === 0) return session;
  const theirsIn = (n: string) => binding.inputs.get(n) ?? n;
  const theirsOut = (n: string) => binding.outputs.get(n) ?? n;
  const oursOut = new Map([...binding.outputs].map(([ours, theirs]) => [theirs, ours]));
  const oursIn = new Map([...binding.inputs].map(([ours, theirs]) => [theirs, ours]));
  async function run(feeds: Record<string, Feed>): Promise<Record<string, Feed>>;
  async function run<K extends string>(feeds: Record<string, Feed>, o: RunOptions<K>): Promise<KeptOutputs<K>>;
  async function run(feeds: Record<string, Feed>, o?: RunOptions) {
    const theirFeeds = Object.fromEntries(Object.entries(feeds).map(([n, t]) => [theirsIn(n), t]));
    const out = o
      ? await session.run(theirFeeds, { ...o, ...(o.keep ? { keep: o.keep.map(theirsOut) } : {}) })
      : await session.run(theirFeeds);
    return Object.fromEntries(Object.entries(out).map(([n, t]) => [oursOut.get(n) ?? n, t]));
  }
  return {
    inputNames: session.inputNames.map((n) => oursIn.get(n) ?? n),
    outputNames: session.outputNames.map((n) => oursOut.get(n) ?? n),
    provider: session.provider,
    run: run as OrtSession['run'],
    endProfiling: () => session.endProfiling(),
    release: () => session.release(),
  };
}
