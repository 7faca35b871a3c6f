/**
 * Lowering at load, done once: the lowered graph is written beside the model, named by the graph file's hash, the
 * provider and this project's version, so the next load of the same file for the same provider opens it directly.
 * Beside the model, because an export's external weights are referenced by paths relative to the graph file. A
 * file that cannot run on the provider is refused here with its sentence, before any session is made.
 */
import { scopeEnv } from '../../flag-env';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { access, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fuseModel, fusionOptionsFromEnv, fusionsFor } from './fusions';
import type { FusionName, FusionOptions } from './fusions';
import { lowerModel } from './lowerings';
import { readGraphSkeleton, readModelReferencingWeights } from './graph-skeleton';
import { encodeModel } from './onnx-model';
import { checkModel, refusalSentence } from './opset-check';
import { foldInputCasts, foldableInputCasts } from './fold-input-casts';
import { padConvChannels } from './pad-conv-channels';
import type { OpsetReport } from './opset-check';
import { checkProviders } from './provider-ops';
import type { CheckProvider } from './provider-ops';
import { widenFloat16 } from './widen-float16';
import type { InferenceBackend } from '../backend';

export interface PreparedModel {
  /** The file to open: the model itself, or its lowered copy. */
  path: string;
  report: OpsetReport;
  /** Whether a rewritten (lowered and/or fused) copy is used, and whether it was already there. */
  lowered: boolean;
  fromCache: boolean;
  /** The fusions that changed the graph (known when the copy is written now; empty from the cache). */
  fused: FusionName[];
}

let projectVersion: string | undefined;
/** This project's version: part of every cache key of a rewritten graph, so a new version rewrites again. */
export function version(): string {
  projectVersion ??= (
    JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return projectVersion;
}

/** Where the lowered copy of a graph file with this content hash would be kept. */
export function loweredPath(
  path: string,
  fileSha256: string,
  provider: CheckProvider,
  projectVer = version(),
  /** The fusions (and other optional passes) switched on: a copy made with others is another file. */
  fusions: readonly (FusionName | 'input-casts' | 'float32' | 'conv-channels')[] = [],
): string {
  const variant = fusions.length ? `\0${[...fusions].sort().join(',')}` : '';
  const key = createHash('sha256')
    .update(`${fileSha256}\0${provider}\0${projectVer}${variant}`)
    .digest('hex')
    .slice(0, 16);
  return join(dirname(path), `${basename(path, '.onnx')}.lowered-${provider}-${key}.onnx`);
}

/** The file's SHA-256, streamed: a 1.7 GB graph file is hashed without being held in memory. */
function fileHash(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Checks `path` for `provider` and returns the file to open, lowering (once) what needs it. */
export async function prepareModel(
  path: string,
  provider: CheckProvider,
  options: { lowering?: boolean; projectVersion?: string; fusions?: FusionOptions } = {},
): Promise<PreparedModel> {
  // The check reads the nodes only; the whole file (weights too, when they are inside it) only when it is lowered.
  const skeleton = await readGraphSkeleton(path);
  const report = checkModel(skeleton, provider, { lowering: options.lowering ?? true, file: path });
  const refusal = refusalSentence(report);
  if (refusal) throw new Error(refusal);
  // The report lists an op once per element type; each lowering pass runs once, over all its nodes.
  const toLower = [
    ...new Map(
      report.ops.filter((o) => o.fate === 'lowered').map((o) => [`${o.domain} ${o.op} ${o.form}`, o]),
    ).values(),
  ];
  const fusions = fusionsFor(provider, options.fusions ?? fusionOptionsFromEnv(scopeEnv('DAYDREAM_SCOPE_FUSIONS')));
  // WebGPU has no Cast from int64: an integer input cast at once (the timestep) is fed at the type cast to instead.
  const foldCasts = castsFoldedOn.has(provider) && foldableInputCasts(skeleton.graph ?? {}).length > 0;
  // The CPU provider computes float16 in float32 (it has few float16 kernels): the graph is widened once, here.
  const widen = report.widensToFloat32;
  // WebGPU's Conv is wrong for some input channel counts: those Convs are padded (the weights' shapes say which).
  const padConvs = convsPaddedOn.has(provider) && hasConv(skeleton);
  const asItIs = { path, report, lowered: false, fromCache: false, fused: [] };
  if (toLower.length === 0 && fusions.length === 0 && !foldCasts && !widen && !padConvs) return asItIs;
  const passes = [
    ...fusions,
    ...(foldCasts ? [INPUT_CASTS] : []),
    ...(widen ? [FLOAT32] : []),
    ...(padConvs ? [CONV_CHANNELS] : []),
  ];
  const target = loweredPath(path, await fileHash(path), provider, options.projectVersion, passes);
  if (await exists(target)) return { path: target, report, lowered: true, fromCache: true, fused: [] };
  // The copy holds the rewritten nodes; the weights stay where they are, referenced by offset into the original.
  const model = await readModelReferencingWeights(path);
  const lowered = toLower.length ? lowerModel(model, toLower) : model;
  const cast = foldCasts ? foldInputCasts(lowered) : lowered;
  // Before the fusions, which would hide a Conv inside a FusedConv.
  const padded = padConvs ? padConvChannels(cast) : cast;
  // Fusions after lowering: a lowered contrib op is plain operators the fusions may match again where they help.
  const wide = widen ? widenFloat16(padded) : padded;
  const { model: fused, applied } = fuseModel(wide, provider, fusions);
  // A graph nothing applies to is opened as it is (it is read again at the next load; no copy is kept for it).
  if (toLower.length === 0 && applied.length === 0 && !foldCasts && !widen && padded === cast) return asItIs;
  // Written under a temporary name and renamed, so a crash mid-write never leaves a half file the next load trusts.
  const partial = `${target}.partial-${process.pid}`;
  await writeFile(partial, encodeModel(fused));
  await rename(partial, target);
  return { path: target, report, lowered: true, fromCache: false, fused: applied };
}

/** Providers whose graphs get integer inputs' Casts folded (fold-input-casts.ts); the key names the pass. */
const castsFoldedOn = new Set<CheckProvider>(['webgpu']);
const INPUT_CASTS = 'input-casts' as const;
/** The key's name for the CPU provider's float16 graphs widened to float32 (widen-float16.ts). */
const FLOAT32 = 'float32' as const;
/** Providers whose Convs get their input channels padded (pad-conv-channels.ts). */
const convsPaddedOn = new Set<CheckProvider>(['webgpu']);
const CONV_CHANNELS = 'conv-channels' as const;
const hasConv = (m: { graph?: { node?: { opType?: string | null }[] | null } | null }) =>
  (m.graph?.node ?? []).some((n) => n.opType === 'Conv' || n.opType === 'FusedConv');

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a pipeline opens for `model` on `runtime`: a file goes through `prepareModel` for the runtime's provider
 * (lowered copy, or refusal with its sentence); bytes the project built itself, and any model on a provider
 * without a table here (a remote backend), are opened as they are.
 */
export async function runnableModel(
  runtime: Pick<InferenceBackend, 'provider'>,
  model: string | Uint8Array,
): Promise<string | Uint8Array> {
  if (typeof model !== 'string') return model;
  const { provider } = await runtime.provider();
  if (!(checkProviders as readonly string[]).includes(provider)) return model;
  return (await prepareModel(model, provider as CheckProvider)).path;
}
