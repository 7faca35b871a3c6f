/**
 * The exact GELU as exporters write it, recognised for the fusions that absorb it: 0.5 · x · (1 + erf(x / √2)),
 * a product of three factors in any grouping of two Muls (diffusers' torch export writes
 * Mul(Mul(x, 1 + erf), 0.5); this project's stand-ins Mul(Mul(x, 0.5), 1 + erf)), with x / √2 as a Div by √2 or a
 * Mul by √½. Constants are compared with float16 room.
 */
import type { Node } from './onnx-model';
import type { GraphIndex } from './fuse-match';

const near = (a: number | undefined, b: number) => a !== undefined && Math.abs(a - b) < 2e-3;

/** The erf term 1 + erf(x/√2) behind `value`: its x and nodes, or undefined. */
function erfTerm(index: GraphIndex, value: string) {
  const add = index.made(value, 'Add');
  if (!add) return undefined;
  const [a, b] = add.input ?? [];
  const one = near(index.scalar(b), 1) ? a : near(index.scalar(a), 1) ? b : undefined;
  const erf = index.made(one, 'Erf');
  const inner = erf?.input?.[0];
  const div = index.made(inner, 'Div');
  if (div && near(index.scalar(div.input?.[1]), Math.SQRT2)) return { x: div.input![0]!, group: [add, erf!, div] };
  const mul = index.made(inner, 'Mul');
  if (!mul) return undefined;
  const [p, q] = mul.input ?? [];
  const x = near(index.scalar(q), Math.SQRT1_2) ? p : near(index.scalar(p), Math.SQRT1_2) ? q : undefined;
  return x ? { x, group: [add, erf!, mul] } : undefined;
}

/** The GELU whose result is `value`: its input x and the nodes that compute it (the last one makes `value`). */
export function matchGelu(index: GraphIndex, value: string | undefined): { x: string; group: Node[] } | undefined {
  const top = index.made(value, 'Mul');
  if (!top) return undefined;
  // The three factors x, 0.5 and (1 + erf): two of them sit under one inner Mul.
  for (const [innerAt, outer] of [
    [0, 1],
    [1, 0],
  ] as const) {
    const inner = index.made(top.input?.[innerAt], 'Mul');
    if (!inner) continue;
    const factors = [top.input![outer]!, ...(inner.input ?? [])];
    const half = factors.findIndex((f) => near(index.scalar(f), 0.5));
    if (half < 0) continue;
    const rest = factors.filter((_, i) => i !== half);
    for (const [t, x] of [
      [rest[0], rest[1]],
      [rest[1], rest[0]],
    ]) {
      const term = t ? erfTerm(index, t) : undefined;
      if (term && term.x === x) return { x, group: [...term.group, inner, top] };
    }
  }
  return undefined;
}
