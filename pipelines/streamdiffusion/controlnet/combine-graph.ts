/**
 * The graph that sums the residuals of several ControlNets with their scales, on the device: for each residual
 * name, out = Σₖ scaleₖ · rₖ, in float, cast to what the UNet declares. With one ControlNet it is the scale alone.
 */
import { GraphBuilder } from '../../../src/runtime/graph-builder';
import { residualNames } from './residuals';

export interface CombineGraph {
  /** How many ControlNets' residuals are summed. */
  count: number;
  /** The ControlNets' output type and the UNet's residual input type: float16 or float. */
  inHalf: boolean;
  outHalf: boolean;
}

/** The input name of ControlNet k's residual `name`. */
export const partName = (name: string, k: number) => `${name}_${k}`;

/** scales float [count] and `${name}_${k}` for each residual and ControlNet -> the 13 residuals, summed. */
export function buildCombine(c: CombineGraph): Uint8Array {
  const g = new GraphBuilder('controlnet_combine');
  const scales = g.input('scales', 'float', [c.count]);
  const scale = (k: number) =>
    g.op('Slice', [scales, g.int64s(`s${k}_from`, [k]), g.int64s(`s${k}_to`, [k + 1]), g.int64s(`s${k}_axis`, [0])]);
  const each = Array.from({ length: c.count }, (_, k) =>
    g.op('Reshape', [scale(k), g.int64s(`s${k}_shape`, [1, 1, 1, 1])]),
  );
  for (const name of residualNames) {
    const dims = [`b`, `${name}_c`, `${name}_h`, `${name}_w`];
    let sum: string | undefined;
    for (let k = 0; k < c.count; k++) {
      let x = g.input(partName(name, k), c.inHalf ? 'float16' : 'float', dims);
      if (c.inHalf) x = g.op('Cast', [x], { to: { int: 1 } });
      const term = g.op('Mul', [x, each[k]!]);
      sum = sum === undefined ? term : g.op('Add', [sum, term]);
    }
    const out = c.outHalf ? g.op('Cast', [sum!], { to: { int: 10 } }) : sum!;
    g.output(out, name, c.outHalf ? 'float16' : 'float', dims);
  }
  return g.toBytes();
}
