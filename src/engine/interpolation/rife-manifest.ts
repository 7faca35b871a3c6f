import type { GraphSignature } from '../../runtime/onnx-signature';

/**
 * The real interpolation network this stage runs when a performer has one: a RIFE export (Practical-RIFE's IFNet,
 * v4.x, or ECCV 2022 RIFE's IFNet_m) to ONNX. Nothing is downloaded: the file is made with the exporter notes in
 * docs/interpolation.md and put at `file` under the models directory (or named with --interpolator). The
 * project's own graphs (rife-graph.ts) have the same tensors, so what the tests check holds for the export.
 */
export const rifeExport = {
  id: 'rife',
  /** Where the export is looked for, under the models directory. */
  file: 'interpolation/rife.onnx',
  /** GridSample exists from opset 16; opset 20 renamed its `bilinear` mode, which some providers do not bind. */
  opset: { min: 16, max: 19 },
  /** The three-input layout (the project's graphs and an export by the notes): float [1,3,H,W] x2, [1,1,H,W]. */
  inputs: { img0: 'img0', img1: 'img1', timestep: 'timestep' },
  /**
   * The one-input layout of the community exports (the two images and the timestep as 7 channels of one float
   * [1,7,H,W] tensor; those with an 8th `scale` channel are refused): taken too, whatever its input's name.
   */
  packedChannels: 7,
  /** The interpolated frame, float [1,3,H,W] in [0,1] (a one-output graph may name it otherwise). */
  outputs: { output: 'output' },
} as const;

/** Why a graph with these inputs cannot be the interpolation network, or undefined when it can. */
export function signatureProblem(sig: GraphSignature): string | undefined {
  const inputs = sig.inputs;
  if (inputs.length === 1) {
    const channels = inputs[0]!.dims[1];
    if (inputs[0]!.dims.length !== 4 || (typeof channels === 'number' && channels !== rifeExport.packedChannels)) {
      return `its one input ${inputs[0]!.name} is not [1,${rifeExport.packedChannels},H,W] (img0, img1, timestep)`;
    }
    return undefined;
  }
  const missing = Object.values(rifeExport.inputs).filter((n) => !inputs.some((i) => i.name === n));
  if (missing.length > 0) return `the graph lacks the input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  return undefined;
}
