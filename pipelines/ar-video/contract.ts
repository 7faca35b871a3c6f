/**
 * The ONNX contract of the autoregressive video graphs (docs/ar-video-block-contract.md): tensor names, element
 * types and shapes, derived from an export's contract.json, and the load-time check that a graph follows it.
 */
import type { GraphSignature, TensorType, ValueSignature } from '../../src/runtime/onnx-signature';
import { cacheSlots } from './export-config';
import type { ExportConfig } from './export-config';

/** A dimension: a number the graph must declare (or leave open), or a name for a size that varies. */
export type Dim = number | string;

export interface TensorSpec {
  name: string;
  /**
   * float: the export's dtype; f32: always float32 (steering values that need the precision); ids: token ids;
   * mask: an attention mask, integer as exported, or float once its Cast is folded into the input at load (on
   * WebGPU, which has no Cast from int64: src/runtime/graph/fold-input-casts.ts).
   */
  kind: 'float' | 'f32' | 'ids' | 'mask';
  dims: Dim[];
}

export interface GraphSpec {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /**
   * Streaming state on top of the listed tensors: `state_in.X` inputs each with a `state_out.X` output (steady
   * VAE graphs), `state_out.X` outputs only (the graph of a stream's first chunk, which starts the state), or none.
   */
  state?: 'allowed' | 'produces' | 'none';
}

export const cacheKey = (layer: number) => `cache_k.${layer}`;
export const cacheValue = (layer: number) => `cache_v.${layer}`;
export const newKey = (layer: number) => `new_k.${layer}`;
export const newValue = (layer: number) => `new_v.${layer}`;

const f = (name: string, dims: Dim[]): TensorSpec => ({ name, kind: 'float', dims });

/** The block: one forward of the causal DiT over a block of latent frames, against the cache. */
export function blockSpec(c: ExportConfig): GraphSpec {
  const { channels, height, width } = c.latent;
  const latents: Dim[] = [1, 'frames', channels, height, width];
  const slot: Dim[] = [1, cacheSlots(c), c.tokensPerFrame, c.heads, c.headDim];
  const fresh: Dim[] = [1, 'frames', c.tokensPerFrame, c.heads, c.headDim];
  const layers = Array.from({ length: c.layers }, (_, i) => i);
  return {
    inputs: [
      f('latents', latents),
      { name: 'timesteps', kind: 'f32', dims: [1, 'frames'] },
      f('context', [1, c.text.length, c.text.dim]),
      { name: 'frame_positions', kind: 'f32', dims: ['frames'] },
      { name: 'cache_bias', kind: 'f32', dims: [cacheSlots(c)] },
      ...layers.flatMap((i) => [f(cacheKey(i), slot), f(cacheValue(i), slot)]),
    ],
    outputs: [f('flow', latents), ...layers.flatMap((i) => [f(newKey(i), fresh), f(newValue(i), fresh)])],
    state: 'none',
  };
}

/** The text encoder (umT5): token ids and mask -> context, zero past the prompt's tokens. */
export function textEncoderSpec(c: ExportConfig): GraphSpec {
  return {
    inputs: [
      { name: 'input_ids', kind: 'ids', dims: [1, c.text.length] },
      { name: 'attention_mask', kind: 'mask', dims: [1, c.text.length] },
    ],
    outputs: [f('context', [1, c.text.length, c.text.dim])],
    state: 'none',
  };
}

/** A streaming decoder: latent frames (+ state) -> pixel frames in [-1, 1] (+ state). */
export function decoderSpec(c: ExportConfig, first: boolean): GraphSpec {
  const { channels, height, width } = c.latent;
  return {
    inputs: [f('latents', [1, 'frames', channels, height, width])],
    outputs: [f('frames', [1, first ? 'frames' : 'pixel_frames', 3, c.height, c.width])],
    state: first ? 'produces' : 'allowed',
  };
}

/** A streaming encoder: pixel frames in [-1, 1] (+ state) -> latent frames (+ state). */
export function encoderSpec(c: ExportConfig, first: boolean): GraphSpec {
  const { channels, height, width } = c.latent;
  return {
    inputs: [f('frames', [1, 'pixel_frames', 3, c.height, c.width])],
    outputs: [f('latents', [1, 'frames', channels, height, width])],
    state: first ? 'produces' : 'allowed',
  };
}

const floatTypes: TensorType[] = ['float32', 'float16'];
const idTypes: TensorType[] = ['int64', 'int32'];

/** The streaming state of a graph: `state_in.X` inputs, each with a `state_out.X` output. */
export function stateNames(sig: GraphSignature): string[] {
  return sig.inputs.flatMap((i) => (i.name.startsWith('state_in.') ? [i.name.slice('state_in.'.length)] : []));
}

/**
 * Every way `sig` breaks `spec`, as sentences (empty when it follows it). Float tensors must be of the export's
 * dtype; sizes the spec names by a number must be that number or left open.
 */
export function contractProblems(sig: GraphSignature, spec: GraphSpec, dtype: 'float32' | 'float16'): string[] {
  const problems: string[] = [];
  const check = (side: 'input' | 'output', list: ValueSignature[], want: TensorSpec) => {
    const got = list.find((v) => v.name === want.name);
    if (!got) return problems.push(`${side} "${want.name}" is missing`);
    const types: TensorType[] =
      want.kind === 'float'
        ? [dtype]
        : want.kind === 'ids'
          ? idTypes
          : want.kind === 'mask'
            ? [...idTypes, 'float32', 'float16']
            : ['float32'];
    if (!types.includes(got.type)) {
      problems.push(`${side} "${want.name}" is ${got.type}, expected ${types.join(' or ')}`);
    }
    const shape = `[${want.dims.join(', ')}]`;
    if (got.dims.length !== want.dims.length) {
      return problems.push(`${side} "${want.name}" has rank ${got.dims.length}, expected ${want.dims.length} ${shape}`);
    }
    want.dims.forEach((d, i) => {
      const g = got.dims[i];
      if (typeof d === 'number' && typeof g === 'number' && g !== d) {
        problems.push(`${side} "${want.name}" has size ${g} on axis ${i}, expected ${d} ${shape}`);
      }
    });
    return undefined;
  };
  for (const want of spec.inputs) check('input', sig.inputs, want);
  for (const want of spec.outputs) check('output', sig.outputs, want);
  const known = new Set([...spec.inputs, ...spec.outputs].map((t) => t.name));
  for (const name of stateNames(sig)) {
    known.add(`state_in.${name}`).add(`state_out.${name}`);
    if (spec.state !== 'allowed') {
      problems.push(`input "state_in.${name}": this graph takes no streaming state`);
      continue;
    }
    problems.push(...stateProblems(sig, name));
  }
  for (const v of sig.inputs) if (!known.has(v.name)) problems.push(`input "${v.name}" is not in the contract`);
  for (const v of sig.outputs) {
    if (known.has(v.name) || !v.name.startsWith('state_out.')) continue;
    if (spec.state !== 'produces') problems.push(`output "${v.name}" has no state_in`);
    else if (!v.dims.every((d) => typeof d === 'number')) problems.push(`state "${v.name}" must have fixed sizes`);
  }
  // Unknown outputs are allowed (and ignored): exporters may leave debugging outputs in.
  return problems;
}

function stateProblems(sig: GraphSignature, name: string): string[] {
  const input = sig.inputs.find((v) => v.name === `state_in.${name}`)!;
  const output = sig.outputs.find((v) => v.name === `state_out.${name}`);
  if (!output) return [`input "state_in.${name}" has no output "state_out.${name}"`];
  const problems: string[] = [];
  if (!floatTypes.includes(input.type)) problems.push(`state "${name}" is ${input.type}, expected a float type`);
  if (output.type !== input.type) problems.push(`state "${name}" goes in as ${input.type} and out as ${output.type}`);
  if (!input.dims.every((d) => typeof d === 'number')) {
    problems.push(`state "${name}" must have fixed sizes (the host allocates it), got [${input.dims.join(', ')}]`);
  } else if (input.dims.join(',') !== output.dims.join(',')) {
    problems.push(`state "${name}" goes in as [${input.dims.join(', ')}] and out as [${output.dims.join(', ')}]`);
  }
  return problems;
}

/** Throws one error listing every problem of `file` against its spec, pointing at the contract's documentation. */
export function assertContract(file: string, sig: GraphSignature, spec: GraphSpec, dtype: 'float32' | 'float16'): void {
  const problems = contractProblems(sig, spec, dtype);
  if (problems.length === 0) return;
  throw new Error(
    `${file} does not follow the ar-video contract (docs/ar-video-block-contract.md): ${problems.join('; ')}`,
  );
}
