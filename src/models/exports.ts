/**
 * Model files that cannot be downloaded, only made by an exporter (a ControlNet: no ONNX export of it exists on the
 * Hub): a pipeline declares which files of the models folder an export writes and the command that writes them,
 * so the listing (`daydream-scope download --list`, GET /api/v1/models/status, the panel) says which are here and
 * how to make the others. The pipeline's preflight refuses a load that needs a missing one with the same command.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportStatus } from '../shared/models';

export interface ExportManifest {
  /** `sd-turbo-controlnet-depth`. */
  id: string;
  pipeline: string;
  /** The model (manifest id a user types) it goes with. */
  of: string;
  description: string;
  /** Files it needs, `/`-separated paths inside the models folder. */
  files: string[];
  /** The command that writes them, for a models folder at `root`. */
  command(root: string): string;
}

/** Whether each export's files are in `root`, and the command for those that are not. */
export async function exportStatus(root: string, exports: readonly ExportManifest[]): Promise<ExportStatus[]> {
  return Promise.all(
    exports.map(async (e) => {
      const here = await Promise.all(
        e.files.map((f) =>
          stat(join(root, ...f.split('/'))).then(
            (s) => s.isFile(),
            () => false,
          ),
        ),
      );
      const missing = e.files.filter((_, i) => !here[i]);
      return {
        id: e.id,
        pipeline: e.pipeline,
        of: e.of,
        description: e.description,
        state: missing.length === 0 ? ('ready' as const) : ('missing' as const),
        missing,
        command: e.command(root),
      };
    }),
  );
}
