/**
 * The preflight's operator check: every ONNX file a load will open is read (its nodes, not its weights) and held
 * against the chosen provider's kernel table (src/runtime/graph). A file the provider cannot run, even after the
 * lowering done at load, refuses the load before the running pipeline is touched; so does a file that is not an
 * ONNX graph at all (cut short, or something else under that name). On a GPU provider, a file some of whose nodes
 * will run on the CPU provider gets a note instead (fallback-note.ts): the load goes ahead, and says so. Findings
 * are kept per file, size and modification time, so the pipeline list can ask on every refresh.
 */
import { stat } from 'node:fs/promises';
import { checkModelFile, refusalSentence } from '../runtime/graph/opset-check';
import { checkProviders, providerOps } from '../runtime/graph/provider-ops';
import type { CheckProvider } from '../runtime/graph/provider-ops';
import { fallbackNote } from './fallback-note';
import type { PreflightCheck, PreflightOutcome } from './preflight';

/** What the check found in one file: the sentence that refuses it, else the note on its CPU fallbacks, or neither. */
export type OperatorFindings = { refusal: string | null; note: string | null };

const seen = new Map<string, { size: number; mtimeMs: number; findings: OperatorFindings }>();

/** What `path` meets on `provider` (cached per file version): a refusal, or a fallback note on a GPU provider. */
export async function operatorFindings(path: string, provider: CheckProvider): Promise<OperatorFindings> {
  const s = await stat(path);
  const key = `${provider}\0${path}`;
  const hit = seen.get(key);
  if (hit && hit.size === s.size && hit.mtimeMs === s.mtimeMs) return hit.findings;
  const findings = await checkModelFile(path, provider).then(
    (report): OperatorFindings => {
      const refusal = refusalSentence(report);
      // On the CPU provider nothing falls back: every node already runs there.
      const gpu = providerOps(provider).cpuFallback;
      return { refusal, note: refusal === null && gpu ? fallbackNote(report, path) : null };
    },
    (err: unknown): OperatorFindings => ({
      refusal:
        `${path} cannot be read as an ONNX graph (${err instanceof Error ? err.message : String(err)}): ` +
        'a download cut short, or another file of the same name',
      note: null,
    }),
  );
  seen.set(key, { size: s.size, mtimeMs: s.mtimeMs, findings });
  return findings;
}

export const operatorsCheck: PreflightCheck = {
  name: 'operators',
  run: async ({ def, needs, ctx, note }): Promise<PreflightOutcome> => {
    const provider = checkProviders.find((p) => p === ctx.executionProvider);
    if (!provider) return undefined;
    for (const f of needs?.files ?? []) {
      if (!f.path.endsWith('.onnx')) continue;
      const found = await operatorFindings(f.path, provider);
      if (found.refusal) {
        return { message: `${def.id} cannot load: ${found.refusal}`, fix: `daydream-scope model check ${f.path}` };
      }
      if (found.note) note?.(found.note);
    }
    return undefined;
  },
};
