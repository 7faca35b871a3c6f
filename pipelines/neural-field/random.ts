// The generators live in the core (src/runtime), where the engine's own graphs use them too.
import { gaussian, mulberry32 } from '../../src/runtime/seeded-random';

export { gaussian, mulberry32 };

/** `rows x cols` normal weights with standard deviation `std`, row-major as ONNX MatMul expects. */
export function normalMatrix(randn: () => number, rows: number, cols: number, std: number): Float32Array {
  const m = new Float32Array(rows * cols);
  for (let i = 0; i < m.length; i++) m[i] = randn() * std;
  return m;
}
