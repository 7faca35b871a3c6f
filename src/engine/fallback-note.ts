/**
 * The note a load gets when part of a graph will run on the CPU provider inside a GPU session: onnxruntime places
 * each node the GPU provider has no kernel for (or none at the node's element type) on the CPU, and copies its
 * tensors across and back every run, often the reason an export is slow. Not a refusal: the load goes ahead, and
 * the note says which ops, at which types, how many nodes, and the command that lists every operator's fate.
 */
import type { OpsetReport } from '../runtime/graph/opset-check';

/** How many ops a note names (those with the most nodes); the others are counted. */
export const NAMED_FALLBACKS = 3;

/** The note for `file` checked on a GPU provider, or null when every node stays on it. */
export function fallbackNote(report: OpsetReport, file: string): string | null {
  const counts = new Map<string, number>();
  for (const o of report.ops) {
    if (o.fate !== 'cpu-fallback') continue;
    const name = `${o.domain ? `${o.domain}.` : ''}${o.op}${o.form ? ` (${o.form})` : ''}`;
    // An op that falls back only at some types is named with them: Add at int64, not every Add.
    const label = o.wrongTypes?.length ? `${name} at ${o.wrongTypes.join(', ')}` : name;
    counts.set(label, (counts.get(label) ?? 0) + o.count);
  }
  if (counts.size === 0) return null;
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const nodes = ranked.reduce((n, [, c]) => n + c, 0);
  const named = ranked.slice(0, NAMED_FALLBACKS).map(([label, c]) => `${label} (×${c})`);
  const more = ranked.length - named.length;
  const list = more ? `${named.join(', ')} and ${more} more op${more === 1 ? '' : 's'}` : named.join(', ');
  return (
    `${file}: on ${report.provider}, ${nodes} node${nodes === 1 ? '' : 's'} will run on the CPU provider, ` +
    `copying tensors there and back every frame: ${list}. ` +
    `Every operator: daydream-scope model check ${file} --device ${report.provider}`
  );
}
