/**
 * The fusions this project knows: each rewrites plain operators into one com.microsoft operator a provider runs as
 * one kernel. They run at load after the lowerings, in the same pass pipeline and the same cached copy
 * (lowered-cache.ts), and only for a provider whose kernel table has the fused operator. Each can be switched off
 * (`FusionOptions`, or DAYDREAM_SCOPE_FUSIONS). See docs/fusions.md for what each one matches and what it measured.
 */
import { z } from 'zod';
import { fuseAttention } from './fuse-attention';
import { fuseBiasAdd } from './fuse-bias-add';
import { fuseBiasSplitGelu } from './fuse-bias-split-gelu';
import { fuseConvActivation } from './fuse-conv-activation';
import { fuseSkipLayerNorm } from './fuse-skip-layer-norm';
import { hasKernel } from './kernel-table';
import type { Model } from './onnx-model';
import { providerOps } from './provider-ops';
import type { CheckProvider } from './provider-ops';

export const fusionNames = ['attention', 'skip-layer-norm', 'bias-add', 'bias-split-gelu', 'fused-conv'] as const;
export type FusionName = (typeof fusionNames)[number];
/**
 * Per pass: false switches it off; true switches it on where it is off by default (the CPU provider); absent
 * leaves it to the provider's default. A pass never runs where the provider's table lacks its operator.
 */
export type FusionOptions = Partial<Record<FusionName, boolean>>;

interface Fusion {
  name: FusionName;
  /** The com.microsoft operator it writes. */
  op: string;
  pass: (model: Model, provider: CheckProvider) => Model;
}

// Order: SkipLayerNormalization takes the projection bias before BiasAdd could; attention first, as it reads the
// projections' outputs the other passes leave alone.
const fusions: readonly Fusion[] = [
  { name: 'attention', op: 'MultiHeadAttention', pass: (m) => fuseAttention(m) },
  { name: 'skip-layer-norm', op: 'SkipLayerNormalization', pass: (m) => fuseSkipLayerNorm(m) },
  {
    name: 'bias-add',
    op: 'BiasAdd',
    // CUDA's kernel refuses other channel counts when it runs ("Number of channels should be 320, 640 or 1280").
    pass: (m, p) => fuseBiasAdd(m, p === 'cuda' ? { channels: [320, 640, 1280] } : {}),
  },
  {
    name: 'bias-split-gelu',
    op: 'BiasSplitGelu',
    // Likewise CUDA's: "hidden size should be 2560, 5120 or 10240".
    pass: (m, p) => fuseBiasSplitGelu(m, p === 'cuda' ? { hiddenSizes: [2560, 5120, 10240] } : {}),
  },
  { name: 'fused-conv', op: 'FusedConv', pass: (m) => fuseConvActivation(m) },
];

/**
 * Providers the fusions are written for: CPU and WebGPU are checked here (numbers and placement), CUDA by its
 * kernel table and its kernels' documented limits. DirectML and the untabled providers get none.
 */
const fusingProviders: readonly CheckProvider[] = ['cpu', 'webgpu', 'cuda'];

/**
 * Off by default on the CPU provider: onnxruntime's own graph optimizer already fuses Conv + activation and
 * add + LayerNorm for it, and bench/fusions.ts measured no gain there (attention at SD shape 0.85×, add +
 * LayerNorm 0.29× on the 2-core machine; docs/fusions.md). They stay available there with `true`.
 */
const offByDefault: readonly CheckProvider[] = ['cpu'];

/** The fusions that run for `provider`: those whose operator its table has, by its default or `options`. */
export function fusionsFor(provider: CheckProvider, options: FusionOptions = {}): FusionName[] {
  if (!fusingProviders.includes(provider)) return [];
  const { kernels } = providerOps(provider);
  const on = (name: FusionName) => options[name] ?? !offByDefault.includes(provider);
  return fusions.filter((f) => on(f.name) && hasKernel(kernels, 'com.microsoft', f.op, 1)).map((f) => f.name);
}

/** Runs the named fusions in their order; returns the model and the fusions that changed it. */
export function fuseModel(
  model: Model,
  provider: CheckProvider,
  names: readonly FusionName[],
): { model: Model; applied: FusionName[] } {
  let out = model;
  const applied: FusionName[] = [];
  for (const f of fusions) {
    if (!names.includes(f.name)) continue;
    const next = f.pass(out, provider);
    if (next !== out) applied.push(f.name);
    out = next;
  }
  return { model: out, applied };
}

const envSchema = z
  .string()
  .trim()
  .regex(
    new RegExp(`^(on|off|(-?(${fusionNames.join('|')}))(,\\s*-?(${fusionNames.join('|')}))*)$`),
    `DAYDREAM_SCOPE_FUSIONS takes on, off, or a comma list of fusions to keep or (with -) switch off, among ${fusionNames.join(', ')}`,
  );

/**
 * FusionOptions from DAYDREAM_SCOPE_FUSIONS: "on" (each provider's default), "off" (none), "attention,fused-conv"
 * (only those, on the CPU provider too), "-fused-conv" (the default less that). A value it cannot read is an error
 * with the sentence above.
 */
export function fusionOptionsFromEnv(value: string | undefined): FusionOptions {
  if (value === undefined || value.trim() === '') return {};
  const parsed = envSchema.safeParse(value);
  if (!parsed.success) throw new Error(parsed.error.issues[0]!.message);
  const v = parsed.data;
  if (v === 'on') return {};
  if (v === 'off') return Object.fromEntries(fusionNames.map((n) => [n, false]));
  const items = v.split(',').map((s) => s.trim());
  const only = items.filter((s) => !s.startsWith('-'));
  const off = new Set(items.filter((s) => s.startsWith('-')).map((s) => s.slice(1)));
  // Named ones are switched on (on the CPU too), the rest off; with only "-x" items the rest keep their default.
  return Object.fromEntries(
    fusionNames.flatMap((n) => (off.has(n) ? [[n, false]] : only.length === 0 ? [] : [[n, only.includes(n)]])),
  ) as FusionOptions;
}
