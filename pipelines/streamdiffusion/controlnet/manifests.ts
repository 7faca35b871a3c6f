/**
 * The real ControlNets for the SD 2.1 family (SD-Turbo is SD 2.1 distilled, same UNet), as the exporter writes
 * them: no ONNX export of these was found on the Hub, so `tools/sd-variants-export/export.py --controlnet <name>`
 * makes one from the diffusers weights below, together with the UNet that takes the residuals, into one folder of
 * the models directory. The source repositories were seen on the Hub (thibaud's SD 2.1 ControlNets, diffusers
 * format, ControlNetModel); their file lists were not read, diffusers' from_pretrained fetches what it needs.
 */
import { join } from 'node:path';

export interface ControlNetSource {
  /** The parameter's name. */
  name: string;
  /** The diffusers ControlNetModel weights the exporter reads. */
  repo: string;
  /** What the control image should be, for the docs and messages. */
  reads: string;
}

export const sd21ControlNets: Record<'depth' | 'canny' | 'softedge', ControlNetSource> = {
  depth: { name: 'depth', repo: 'thibaud/controlnet-sd21-depth-diffusers', reads: 'a depth map (preprocess: depth)' },
  canny: { name: 'canny', repo: 'thibaud/controlnet-sd21-canny-diffusers', reads: 'hard edges (preprocess: edges)' },
  softedge: {
    name: 'softedge',
    repo: 'thibaud/controlnet-sd21-hed-diffusers',
    reads: 'soft HED-like edges (preprocess: softedges)',
  },
};

/** The folder of the models directory the exporter writes the SD-Turbo ControlNet files to. */
export const EXPORTED_FOLDER = ['exported', 'sd-turbo-controlnet'];
/** The UNet with the residual inputs, and each ControlNet, inside such a folder (diffusers-like layout). */
export const CONTROL_UNET_FILE = 'unet_controlnet/model.onnx';
export const controlNetFile = (name: string) => `controlnet_${name}/model.onnx`;

export const exportedDir = (root: string) => join(root, ...EXPORTED_FOLDER);

/** The command that writes a missing ControlNet (and the ControlNet UNet) where the pipeline looks. */
export function exportCommand(root: string, names: string[]): string {
  return (
    `python tools/sd-variants-export/export.py --model stabilityai/sd-turbo --variant webgpu ` +
    `--controlnet ${names.join(',')} --out ${exportedDir(root)}`
  );
}
