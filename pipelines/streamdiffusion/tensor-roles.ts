import type { GraphSignature, ValueSignature } from '../../src/runtime/onnx-signature';
import { residualNames } from './controlnet/residuals';

/**
 * The tensors each network of a Stable Diffusion export is fed and read by, under the names the pipeline uses
 * (diffusers/optimum's, which the Olive export and the WebGPU-ready export both carry), and the other names an
 * export may give them: onnxruntime's stable_diffusion demo names the UNet's output `latent`, the VAE's `latent` ->
 * `images`, the CLIP's output `text_embeddings`. A file is bound once at load; a file that does not fit is refused
 * with a sentence saying what was expected and what it has.
 */
export type Network = 'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder';

interface Role {
  /** The pipeline's name for it. */
  name: string;
  /** Other names exports use, tried in order after `name`. */
  aliases: string[];
  required: boolean;
  /** Element types it may have; the feeds are converted to whichever the file declares. */
  types: readonly string[];
  /** Its rank, when the file declares one. */
  rank?: number;
}

const FLOAT = ['float32', 'float16'];
const role = (name: string, aliases: string[], types: readonly string[], rank?: number, required = true): Role => ({
  name,
  aliases,
  required,
  types,
  ...(rank === undefined ? {} : { rank }),
});

const roles: Record<Network, { label: string; inputs: Role[]; outputs: Role[] }> = {
  unet: {
    label: 'a UNet',
    inputs: [
      role('sample', ['latent_model_input'], FLOAT, 4),
      role('timestep', ['timesteps', 't'], ['int64', 'int32', 'float32', 'float16'], 1),
      role('encoder_hidden_states', ['text_embeddings'], FLOAT, 3),
      role('text_embeds', [], FLOAT, 2, false),
      role('time_ids', [], FLOAT, 2, false),
      // The ControlNet UNet's residuals (controlnet/residuals.ts), fed only with a ControlNet, so not listed as fed.
      ...residualNames.map((n) => role(n, [], FLOAT, 4, false)),
      // The IP-Adapter UNet's (reference/): CLIP image embeddings and the weight of the image cross-attention.
      role('image_embeds', [], FLOAT, 2, false),
      role('ip_adapter_scale', [], FLOAT, 1, false),
    ],
    outputs: [role('out_sample', ['latent', 'noise_pred'], FLOAT, 4)],
  },
  vae_decoder: {
    label: 'a VAE decoder',
    inputs: [role('latent_sample', ['latent', 'latents'], FLOAT, 4)],
    outputs: [role('sample', ['images', 'image'], FLOAT, 4)],
  },
  vae_encoder: {
    label: 'a VAE encoder',
    inputs: [role('sample', ['images', 'image'], FLOAT, 4)],
    outputs: [role('latent_sample', ['latent', 'latents', 'latent_dist'], FLOAT, 4)],
  },
  text_encoder: {
    label: 'a text encoder',
    inputs: [role('input_ids', ['tokens'], ['int32', 'int64'], 2)],
    // Rank 3 tells the sequence of hidden states from a pooled embedding of the same alias.
    outputs: [role('last_hidden_state', ['text_embeddings'], FLOAT, 3, false)],
  },
};

/** The file's name for each of the pipeline's names that differs, inputs and outputs apart. */
export interface Binding {
  inputs: Map<string, string>;
  outputs: Map<string, string>;
}

/**
 * Binds a file's declared inputs and outputs to the pipeline's names for `network`; throws a sentence naming what
 * was expected and what the file has when it does not fit: a required tensor missing, a wrong element type or
 * rank, or a required input the pipeline would not feed.
 */
export function bindRoles(network: Network, signature: GraphSignature, file: string): Binding {
  const spec = roles[network];
  const has = `it has inputs ${list(signature.inputs)} and outputs ${list(signature.outputs)}`;
  const refuse = (what: string) => new Error(`${file} does not fit ${spec.label}: ${what}; ${has}`);
  const bind = (wanted: Role[], declared: ValueSignature[], kind: 'input' | 'output') => {
    const map = new Map<string, string>();
    const used = new Set<string>();
    for (const r of wanted) {
      const found = [r.name, ...r.aliases]
        .map((n) => declared.find((d) => d.name === n))
        .find((d) => d !== undefined && (r.rank === undefined || d.dims.length === 0 || d.dims.length === r.rank));
      if (!found) {
        if (r.required) throw refuse(`expected an ${kind} named ${names(r)}${r.rank ? ` of rank ${r.rank}` : ''}`);
        continue;
      }
      if (found.type !== 'unknown' && !r.types.includes(found.type)) {
        throw refuse(`its ${kind} ${found.name} is ${found.type}, expected ${r.types.join(' or ')}`);
      }
      used.add(found.name);
      if (found.name !== r.name) map.set(r.name, found.name);
    }
    return { map, used };
  };
  const inputs = bind(spec.inputs, signature.inputs, 'input');
  const outputs = bind(spec.outputs, signature.outputs, 'output');
  // Every input must be fed: one the pipeline has no value for (attention_mask, a guidance scale) cannot run.
  const unfed = signature.inputs.filter((i) => !inputs.used.has(i.name));
  if (unfed.length > 0) {
    throw refuse(
      `its input${unfed.length > 1 ? 's' : ''} ${list(unfed)} would not be fed (the pipeline feeds ${spec.inputs
        .filter((r) => !residualNames.includes(r.name))
        .map((r) => r.name)
        .join(', ')})`,
    );
  }
  return { inputs: inputs.map, outputs: outputs.map };
}

const names = (r: Role) => [r.name, ...r.aliases].join(' or ');
const list = (v: readonly ValueSignature[]) =>
  v
    .map((s) => `${s.name} (${s.type}${s.dims.length ? ` [${s.dims.map((d) => d ?? '?').join(', ')}]` : ''})`)
    .join(', ') || 'none';

/** The signature under the pipeline's names. */
export function renamedSignature(signature: GraphSignature, binding: Binding): GraphSignature {
  const back = (m: Map<string, string>) => new Map([...m].map(([ours, theirs]) => [theirs, ours]));
  const [ins, outs] = [back(binding.inputs), back(binding.outputs)];
  return {
    inputs: signature.inputs.map((s) => ({ ...s, name: ins.get(s.name) ?? s.name })),
    outputs: signature.outputs.map((s) => ({ ...s, name: outs.get(s.name) ?? s.name })),
  };
}

/**
 * Values for the file's named free dimensions that stay fixed while a model is loaded (channels, the latent's and
 * the image's height and width, the 77 tokens), as onnxruntime's freeDimensionOverrides takes them: with them the
 * WebGPU provider plans shapes once. Batch dimensions stay free (the stream batch changes size); a name given two
 * values is left free.
 */
export function freeDimensions(
  network: Network,
  signature: GraphSignature,
  size: { width: number; height: number; latentChannels: number; tokens: number },
): Record<string, number> {
  const lh = size.height / 8;
  const lw = size.width / 8;
  const shapes: Record<Network, Record<string, (number | undefined)[]>> = {
    unet: { sample: [undefined, size.latentChannels, lh, lw], encoder_hidden_states: [undefined, size.tokens] },
    vae_decoder: { latent_sample: [undefined, size.latentChannels, lh, lw] },
    vae_encoder: { sample: [undefined, 3, size.height, size.width] },
    text_encoder: { input_ids: [undefined, size.tokens] },
  };
  const values = new Map<string, number | null>();
  for (const input of signature.inputs) {
    const want = shapes[network][input.name];
    if (!want) continue;
    input.dims.forEach((d, i) => {
      const v = want[i];
      if (typeof d !== 'string' || v === undefined) return;
      const seen = values.get(d);
      values.set(d, seen === undefined || seen === v ? v : null);
    });
  }
  return Object.fromEntries([...values].filter((e): e is [string, number] => e[1] !== null));
}
