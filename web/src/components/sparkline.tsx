/** A tiny line of recent frame times; the dashed line is the frame budget at the target rate. */
export function Sparkline({
  values,
  budget,
  width = 120,
  height = 28,
}: {
  values: number[];
  budget: number;
  width?: number;
  height?: number;
}) {
  const top = Math.max(budget * 1.25, ...values, 1);
  const x = (i: number) => (values.length < 2 ? width : (i / (values.length - 1)) * width);
  const y = (v: number) => height - 1 - (Math.min(v, top) / top) * (height - 2);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const over = values.length > 0 && values[values.length - 1]! > budget;
  return (
    <svg
      class={`spark${over ? ' over' : ''}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label="frame time"
    >
      <line x1={0} x2={width} y1={y(budget)} y2={y(budget)} class="budget" />
      {values.length > 1 && <polyline points={points} />}
    </svg>
  );
}
