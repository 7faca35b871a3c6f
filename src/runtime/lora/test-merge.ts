/** Low-rank updates merged into a graph's MatMul weights in closed form, W + s · downᵀ · upᵀ: what branches must equal. */
import { decodeModel, encodeModel } from '../graph/onnx-model';

export interface MergeUpdate {
  /** The module whose `<module>.weight` [in, out] changes. */
  module: string;
  /** down [rank, in] and up [out, rank], row-major. */
  down: Float32Array;
  up: Float32Array;
  rank: number;
  /** The strength times alpha/rank. */
  scale: number;
}

export function mergeIntoGraph(model: Uint8Array, updates: readonly MergeUpdate[]): Uint8Array {
  const m = decodeModel(model);
  for (const u of updates) {
    const init = m.graph!.initializer!.find((t) => t.name === `${u.module}.weight`);
    if (!init) continue;
    const [cin, cout] = (init.dims ?? []).map(Number) as [number, number];
    const w = new Float32Array(new Uint8Array(init.rawData!).buffer);
    for (let i = 0; i < cin; i++)
      for (let o = 0; o < cout; o++)
        for (let r = 0; r < u.rank; r++) w[i * cout + o]! += u.scale * u.down[r * cin + i]! * u.up[o * u.rank + r]!;
    init.rawData = new Uint8Array(w.buffer);
  }
  return encodeModel(m);
}
