/** The fast-tier bench's report: each row with its stages, then the ratios that answer the questions, then anchors. */
import { fmt } from './stats';
import type { FastTierResult, TierRow } from './fast-tier';

/** Figures this bench is held against; none of them measured here. */
export const fastTierAnchors = [
  'StreamDiffusion (arXiv 2312.12491): SD-Turbo, 1 step, 512², TAESD, RTX 4090, TensorRT: 106 fps txt2img, 94 fps img2img',
  'SDXS (arXiv 2403.16627): SDXS-512, 1 step, 512², one GPU: about 100 fps (the paper’s own figure, its framework)',
  'Issue 25 baseline, H200, WebGPU, SD-Turbo size 512², fp16, TAESD, passes as then: 10.6 fps txt2img, 9.8 img2img',
  'Targets (H100/H200 class, WebGPU, 512², 1 step, fp16): SD-Turbo size >= 20 fps rendered, >= 40 fps out with ' +
    'interpolation; the fast tier >= 45 fps rendered',
];

/** Three significant figures: 106, 10.6, 0.106 (a CPU frame takes seconds). */
const fps = (v: number) => (v >= 100 ? fmt(v, 0) : v >= 10 ? fmt(v, 1) : v >= 1 ? fmt(v, 2) : fmt(v, 3));

const stages = (r: TierRow) =>
  Object.entries(r.stagesMs)
    .map(([k, ms]) => `${k} ${fmt(ms)}`)
    .join(', ');

/** One line a row: provider, passes, model, size, mode, fps, stages in ms. */
export function formatRows(result: FastTierResult): string[] {
  const lines = result.rows.map(
    (r) =>
      `  ${r.provider.padEnd(7)} passes ${r.passes.padEnd(3)} ${r.model.padEnd(8)} ${`${r.size}²`.padStart(5)} ` +
      `${r.mode.padEnd(7)} ${fps(r.fps).padStart(7)} fps  (${stages(r)} ms)`,
  );
  if (result.skipped.length) lines.push(`  left out by the deadline: ${result.skipped.join('; ')}`);
  lines.push(`  (${fmt(result.seconds, 0)} s)`);
  return lines;
}

/** fast tier over SD-Turbo per size and mode, and passes on over off per model: above 1 the first is faster. */
export function formatRatios(result: FastTierResult): string[] {
  const find = (r: Partial<TierRow>) =>
    result.rows.find((x) => (Object.keys(r) as (keyof TierRow)[]).every((k) => x[k] === r[k]));
  const lines: string[] = [];
  for (const row of result.rows.filter((r) => r.model === 'sdxs')) {
    const base = find({
      provider: row.provider,
      passes: row.passes,
      model: 'sd-turbo',
      size: row.size,
      mode: row.mode,
    });
    if (base) {
      // The UNet is what the tier changes (both decode with TAESD's shapes): its time apart from the frame's.
      const unet = (base.stagesMs.UNet ?? NaN) / (row.stagesMs.UNet ?? NaN);
      lines.push(
        `  ${row.provider} passes ${row.passes} ${row.size}² ${row.mode}: sdxs / sd-turbo ${fmt(row.fps / base.fps)}× ` +
          `the frames a second, UNet ${fmt(unet)}× as fast`,
      );
    }
  }
  for (const row of result.rows.filter((r) => r.passes === 'on')) {
    const off = find({ provider: row.provider, passes: 'off', model: row.model, size: row.size, mode: row.mode });
    if (off) {
      lines.push(`  ${row.provider} ${row.model} ${row.size}² ${row.mode}: passes on / off ${fmt(row.fps / off.fps)}×`);
    }
  }
  return lines;
}

/** Frames out per second at interpolate = 2: one render and one in-between per two frames, one after the other. */
export function formatInterpolated(result: FastTierResult, interpolationMs: Record<number, number>): string[] {
  // The rows with the passes on, or the only setting the run had.
  const passes = result.rows.some((r) => r.passes === 'on') ? 'on' : 'off';
  return result.rows
    .filter((r) => r.passes === passes && interpolationMs[r.size] !== undefined)
    .map((r) => {
      const out = 2000 / (1000 / r.fps + interpolationMs[r.size]!);
      return (
        `  ${r.provider} ${r.model} ${r.size}² ${r.mode}: ${fps(r.fps)} rendered -> ${fps(out)} fps out ` +
        `(in-between frame ${fmt(interpolationMs[r.size]!)} ms)`
      );
    });
}
