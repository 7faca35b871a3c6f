/**
 * The preflight's operator check: every ONNX file a load will open is read (its nodes, not its weights) and held
 * against the chosen provider's kernel table (src/runtime/graph). A file the provider cannot run, even after the
 * lowering done at load, refuses the load before the running pipeline is touched; so does a file that is not an
 * ONNX graph at all (cut short, or something else under that name). Reports are kept per file, size and
 * modification time, so the pipeline list can ask on every refresh.
 */
import { stat } from 'node:fs/promises';
import { checkModelFile, refusalSentence } from '../runtime/graph/opset-check';
import { checkProviders } from '../runtime/graph/provider-ops';
import type { CheckProvider } from '../runtime/graph/provider-ops';
import type { PreflightCheck, PreflightOutcome } from './preflight';

const seen = new Map<string, { size: number; mtimeMs: number; provider: string; sentence: string | null }>();

/** The sentence that refuses `path` on `provider`, or null when it runs there (cached per file version). */
export async function operatorRefusal(path: string, provider: CheckProvider): Promise<string | null> {
  const s = await stat(path);
  const key = `${provider}\0${path}`;
  const hit = seen.get(key);
  if (hit && hit.size === s.size && hit.mtimeMs === s.mtimeMs) return hit.sentence;
  const sentence = await checkModelFile(path, provider).then(
    (report) => refusalSentence(report),
    (err: unknown) =>
      `${path} cannot be read as an ONNX graph (${err instanceof Error ? err.message : String(err)}): ` +
      'a download cut short, or another file of the same name',
  );
  seen.set(key, { size: s.size, mtimeMs: s.mtimeMs, provider, sentence });
  return sentence;
}

export const operatorsCheck: PreflightCheck = {
  name: 'operators',
  run: async ({ def, needs, ctx }): Promise<PreflightOutcome> => {
    const provider = checkProviders.find((p) => p === ctx.executionProvider);
    if (!provider) return undefined;
    for (const f of needs?.files ?? []) {
      if (!f.path.endsWith('.onnx')) continue;
      const sentence = await operatorRefusal(f.path, provider);
      if (sentence)
        return { message: `${def.id} cannot load: ${sentence}`, fix: `daydream-scope model check ${f.path}` };
    }
    return undefined;
  },
};
