/**
 * The ControlNet files of the real SD 2.1-family model as the model manager lists them (exports, not downloads:
 * no ONNX export of these ControlNets exists on the Hub), and what a load with ControlNets needs, for the
 * preflight: a missing one refuses the load with the exporter command before the running pipeline is touched.
 * The tiny model and the stand-ins generate theirs on the spot and need nothing.
 */
import { join } from 'node:path';
import type { PreflightNeeds, RequiredFile } from '../../src/engine/preflight';
import type { ExportManifest } from '../../src/models/exports';
import {
  CONTROL_UNET_FILE,
  EXPORTED_FOLDER,
  controlNetFile,
  exportCommand,
  sd21ControlNets,
} from './controlnet/manifests';
import { controlSlots } from './controlnet/params';
import type { ControlValues } from './controlnet/params';

/** The model whose ControlNets are exported into the models folder. */
const EXPORTED_MODEL = 'sd-turbo';
type Named = keyof typeof sd21ControlNets;

const inFolder = (file: string) => [...EXPORTED_FOLDER, file].join('/');

/** The files of one ControlNet's export: the UNet that takes the residuals and the ControlNet itself. */
const filesOf = (name: Named) => [inFolder(CONTROL_UNET_FILE), inFolder(controlNetFile(name))];

/** One entry per ControlNet, for `daydream-scope download --list` and GET /api/v1/models/status. */
export const controlNetExports: ExportManifest[] = (Object.keys(sd21ControlNets) as Named[]).map((name) => ({
  id: `${EXPORTED_MODEL}-controlnet-${name}`,
  pipeline: 'streamdiffusion',
  of: EXPORTED_MODEL,
  description: `ControlNet ${name} for ${EXPORTED_MODEL}, read from ${sd21ControlNets[name].repo}; it takes ${sd21ControlNets[name].reads}`,
  files: filesOf(name),
  command: (root) => exportCommand(root, [name]),
}));

/**
 * Adds the ControlNet files a load of `model` with these values opens to the model's own needs; the sentence for
 * missing files then names the exporter command for the ControlNets (and the download for the model's files).
 */
export function withControlNeeds(
  needs: PreflightNeeds | undefined,
  model: string,
  values: ControlValues,
  root: string,
): PreflightNeeds | undefined {
  const names = [...new Set(controlSlots(values).map((s) => s.name))];
  if (model !== EXPORTED_MODEL || names.length === 0) return needs;
  const control: RequiredFile[] = [...new Set(names.flatMap(filesOf))].map((f) => ({
    path: join(root, ...f.split('/')),
    role: f.includes('unet_controlnet')
      ? 'ControlNet UNet'
      : `ControlNet ${f.split('/').at(-2)!.replace('controlnet_', '')}`,
  }));
  const controlPaths = new Set(control.map((f) => f.path));
  return {
    files: [...(needs?.files ?? []), ...control],
    missing: (files) => {
      const own = files.filter((f) => !controlPaths.has(f.path));
      const lacking = files.filter((f) => controlPaths.has(f.path));
      const parts: { message: string; fix?: string }[] = [];
      if (own.length > 0 && needs?.missing) parts.push(needs.missing(own));
      if (lacking.length > 0) {
        const command = exportCommand(root, names);
        parts.push({
          message:
            `ControlNet ${names.join(', ')} for ${model} is not exported (no download exists; missing ` +
            `${lacking.map((f) => f.role).join(', ')} in ${join(root, ...EXPORTED_FOLDER)}): run \`${command}\``,
          fix: command,
        });
      }
      const fixes = parts.flatMap((p) => (p.fix ? [p.fix] : []));
      return { message: parts.map((p) => p.message).join('; '), ...(fixes.length ? { fix: fixes.join(' && ') } : {}) };
    },
  };
}
