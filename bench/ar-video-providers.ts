/**
 * An ar-video export on two execution providers (the provider it will run on against a reference), block by block:
 *   npx tsx bench/ar-video-providers.ts <export folder> [--device webgpu] [--reference cuda] [--blocks 3]
 *     [--commit clean|last-step|per-step] [--video] [--reference-dir <float32 export>]
 * Prints the relative RMS difference of each block's decoded frames and exits 1 above 2 %. With --reference-dir the
 * reference side runs that export (a float32 one, to see how far float16 drifts).
 */
import { z } from 'zod';
import { OrtRuntime } from '../src/runtime/ort';
import { deviceRequestSchema } from '../src/runtime/providers';
import { commitModes } from '../pipelines/ar-video/params';
import { checkProviders } from '../pipelines/ar-video/provider-check';

const argsSchema = z.object({
  dir: z.string().min(1, 'name the export folder, e.g. ~/.daydream-scope/models/exports/longlive-1.3b'),
  device: deviceRequestSchema.default('webgpu'),
  reference: deviceRequestSchema.default('cuda'),
  blocks: z.coerce.number().int().min(1).max(50).default(3),
  commit: z.enum(commitModes).default('clean'),
  video: z.boolean(),
  referenceDir: z.string().min(1).optional(),
});

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const parsed = argsSchema.safeParse({
  dir: process.argv[2]?.startsWith('--') ? undefined : process.argv[2],
  device: flag('device'),
  reference: flag('reference'),
  blocks: flag('blocks'),
  commit: flag('commit'),
  video: process.argv.includes('--video'),
  referenceDir: flag('reference-dir'),
});
if (!parsed.success) {
  console.error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  process.exit(2);
}
const a = parsed.data;
const reference = new OrtRuntime({ device: a.reference });
const candidate = new OrtRuntime({ device: a.device });
try {
  const r = await checkProviders(
    { dir: a.referenceDir ?? a.dir, runtime: reference },
    { dir: a.dir, runtime: candidate },
    { blocks: a.blocks, commit: a.commit },
    a.video,
  );
  console.log(`${r.providers[1]} against ${r.providers[0]}:`);
  for (const b of r.blocks) {
    console.log(
      `  block ${b.block}: relative RMS ${b.relative.toFixed(5)}, max abs ${b.maxAbs.toFixed(5)}, finite ${b.finite}`,
    );
  }
  console.log(r.ok ? 'ok' : 'FAILED');
  process.exitCode = r.ok ? 0 : 1;
} finally {
  await reference.close();
  await candidate.close();
}
