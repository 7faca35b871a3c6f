/**
 * The note a load gets when part of a graph will run on the CPU provider inside a GPU session: onnxruntime places
 * each node the GPU provider has no kernel for (or none at the node's element type) on the CPU, and copies its
 * tensors across and back every run, often the reason an export is slow. Not a refusal: the load goes ahead, and
 * the note says which ops, at which types, how many nodes, and the command that lists every operator's fate.
 */
import { fallbackCounts } from '../runtime/graph/opset-check';
import type { OpsetReport } from '../runtime/graph/opset-check';

/** How many ops a note names (those with the most nodes); the others are counted. */
export const NAMED_FALLBACKS = 3;

/** The note for `file` checked on a GPU provider, or null when every node stays on it. */
export function fallbackNote(report: OpsetReport, file: string): string | null {
  const counts = fallbackCounts(report);
  if (counts.size === 0) return null;
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const nodes = ranked.reduce((n, [, c]) => n + c, 0);
  const named = ranked.slice(0, NAMED_FALLBACKS).map(([label, c]) => `${label} (×${c})`);
  const more = ranked.length - named.length;
  const list = more ? `${named.join(', ')} and ${more} more op${more === 1 ? '' : 's'}` : named.join(', ');
  return (
    `${file}: on ${report.provider}, ${nodes} node${nodes === 1 ? '' : 's'} will run on the CPU provider, ` +
    `copying tensors there and back every frame: ${list}. ` +
    `Every operator: daydream-scope model check ${shellWord(file)} --device ${report.provider}`
  );
}

/** A path as one word of a shell line: quoted when it holds anything a shell would split or expand. */
function shellWord(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
