/** `rows x cols` normal weights with standard deviation `std`, row-major as ONNX MatMul expects. */
export function normalMatrix(randn: () => number, rows: number, cols: number, std: number): Float32Array {
  const m = new Float32Array(rows * cols);
  for (let i = 0; i < m.length; i++) m[i] = randn() * std;
  return m;
}
