/**
 * Variants of one model (`sd-turbo@webgpu`, `sd-turbo@olive-cuda`): which export a device runs best, decided before
 * any file is downloaded from the operators each variant declares, by the same op-set tables the load check uses.
 */
import { checkModel } from '../runtime/graph/opset-check';
import { checkProviders, providerOps } from '../runtime/graph/provider-ops';
import type { CheckProvider } from '../runtime/graph/provider-ops';
import type { Model } from '../runtime/graph/onnx-model';
import { PACKED_KV, PACKED_QKV } from '../runtime/graph/node-forms';
import type { ModelManifest, VariantInfo } from './manifest';

/**
 * How a variant fits a provider: every declared operator runs there (`whole`), some only after lowering at load
 * (`lowered`), a provider or domain no table is kept for (`unchecked`), some on the CPU inside the GPU
 * session (`partial`), or a session would fail (`refused`).
 */
export type VariantFit = 'whole' | 'lowered' | 'unchecked' | 'partial' | 'refused';
const rank: Record<VariantFit, number> = { whole: 0, lowered: 1, unchecked: 2, partial: 2, refused: 3 };

// The ai.onnx opset the declared operators are checked at: the lowerings need ≥ 13, the exports here use 14–17.
const CHECK_OPSET = 17;

/**
 * A graph holding one node of each declared operator. `com.microsoft.MultiHeadAttention(packed QKV)` declares the
 * packed form (node-forms.ts), which some providers' kernels refuse; the plain name declares separate q, k, v.
 */
function declaredGraph(info: VariantInfo): Model {
  const ops = info.contribOps.map((declared) => {
    const [, name = declared, form] = /^([^()]+?)(?:\((.+)\))?$/.exec(declared) ?? [];
    const dot = name.lastIndexOf('.');
    const input = form === PACKED_QKV ? ['qkv'] : form === PACKED_KV ? ['q', 'kv'] : ['q', 'k', 'v'];
    return { domain: dot < 0 ? '' : name.slice(0, dot), opType: name.slice(dot + 1), input };
  });
  const domains = [...new Set(ops.map((o) => o.domain).filter((d) => d !== ''))];
  return {
    opsetImport: [{ domain: '', version: CHECK_OPSET }, ...domains.map((domain) => ({ domain, version: 1 }))],
    graph: { node: ops },
  };
}

/** The fit of a variant on `provider`, with the operators that decided it. */
export function variantFit(info: VariantInfo, provider: CheckProvider): { fit: VariantFit; ops: string[] } {
  const report = checkModel(declaredGraph(info), provider);
  const named = (f: string[]) =>
    report.ops.filter((o) => f.includes(o.fate)).map((o) => `${o.domain}.${o.op}${o.form ? `(${o.form})` : ''}`);
  if (!report.runs) return { fit: 'refused', ops: named(['refused']) };
  const partial = named(['cpu-fallback']);
  if (partial.length > 0) return { fit: 'partial', ops: partial };
  if (providerOps(provider).covers.length === 0) return { fit: 'unchecked', ops: [] };
  const lowered = named(['lowered']);
  return lowered.length > 0 ? { fit: 'lowered', ops: lowered } : { fit: 'whole', ops: [] };
}

/** The manifests that are variants of `model`, in declaration order. */
export function variantsOf(manifests: readonly ModelManifest[], model: string): ModelManifest[] {
  return manifests.filter((m) => m.variant?.of === model);
}

/**
 * The variant `provider` runs best: the best fit; among equal fits one exported for this provider, then one whose
 * files were seen on the Hub, then the first declared.
 */
export function chooseVariant(variants: readonly ModelManifest[], provider: CheckProvider): ModelManifest {
  if (variants.length === 0) throw new Error('no variants to choose from');
  const scored = variants.map((m, order) => ({
    m,
    key: [
      rank[variantFit(m.variant!, provider).fit],
      m.variant!.tunedFor.includes(provider) ? 0 : 1,
      m.variant!.verified ? 0 : 1,
      order,
    ],
  }));
  scored.sort((a, b) => compare(a.key, b.key));
  return scored[0]!.m;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** "whole on cuda, dml; lowered on cpu, webgpu; not checked on tensorrt, coreml", for listings. */
export function whereItRuns(info: VariantInfo): string {
  const by = new Map<VariantFit, CheckProvider[]>();
  for (const p of checkProviders) {
    const { fit } = variantFit(info, p);
    by.set(fit, [...(by.get(fit) ?? []), p]);
  }
  const words: Record<VariantFit, string> = {
    whole: 'whole on',
    lowered: 'lowered on',
    unchecked: 'not checked on',
    partial: 'partly on the CPU on',
    refused: 'cannot run on',
  };
  return (['whole', 'lowered', 'unchecked', 'partial', 'refused'] as const)
    .filter((f) => by.has(f))
    .map((f) => `${words[f]} ${by.get(f)!.join(', ')}`)
    .join('; ');
}

export type DownloadTarget = { id: string; chosen: boolean } | { error: string };

/**
 * What `download <name> [--variant v]` fetches: an exact manifest id (`taesd`, `sd-turbo@webgpu`), or the variant of
 * a model the provider runs best, or the one named. An error sentence for anything else.
 */
export function downloadTarget(
  manifests: readonly ModelManifest[],
  name: string,
  o: { variant?: string | undefined; provider: CheckProvider },
): DownloadTarget {
  const exact = manifests.find((m) => m.id === name);
  const variants = variantsOf(manifests, name);
  if (exact && !exact.variant && o.variant !== undefined) {
    return { error: `${name} has no variants (--variant ${o.variant} does not apply)` };
  }
  if (exact && exact.variant && o.variant !== undefined && o.variant !== exact.variant.name) {
    return { error: `${name} is the ${exact.variant.name} variant; --variant ${o.variant} contradicts it` };
  }
  if (exact) return { id: exact.id, chosen: false };
  if (variants.length === 0) return { error: `unknown model "${name}"; known: ${knownIds(manifests)}` };
  if (o.variant === undefined) return { id: chooseVariant(variants, o.provider).id, chosen: true };
  const named = variants.find((m) => m.variant!.name === o.variant);
  if (named) return { id: named.id, chosen: false };
  const names = variants.map((m) => m.variant!.name).join(', ');
  return { error: `${name} has no variant "${o.variant}"; it has ${names}` };
}

/** The ids a user may type: models with variants once, by their own name, and every other manifest. */
export function knownIds(manifests: readonly ModelManifest[]): string {
  const ids = manifests.map((m) => m.variant?.of ?? m.id);
  return [...new Set(ids)].join(', ') || '(none)';
}
