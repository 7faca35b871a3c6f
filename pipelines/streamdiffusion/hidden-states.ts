import type { ValueSignature } from '../../src/runtime/onnx-signature';
import { CONTEXT_LENGTH } from './clip-tokenizer';

/** Reads one prompt's conditioning features out of a text encoder's outputs. */
export type FeatureReader = (out: Record<string, Float32Array>) => Float32Array;

/**
 * How to read SDXL's conditioning — the penultimate layer's hidden states — from an SDXL text encoder export, or
 * an error sentence saying what the export must have. Two layouts are accepted: one output per layer,
 * hidden_states.0 … hidden_states.N (the ONNX export of an encoder run with output_hidden_states), or one
 * hidden_states output stacking them, [layers, 1, 77, width]. last_hidden_state is never taken instead: it is
 * the final layer (after CLIP-L's final layer norm), the wrong features, and the pictures would quietly suffer.
 */
export function penultimateReader(name: string, outputs: ValueSignature[]): FeatureReader {
  const layers = outputs.map((o) => /^hidden_states\.(\d+)$/.exec(o.name)?.[1]).filter((n) => n !== undefined);
  if (layers.length >= 2) {
    const last = Math.max(...layers.map(Number));
    const key = `hidden_states.${last - 1}`;
    if (!outputs.some((o) => o.name === key)) throw new Error(missing(name, outputs, `it has no ${key}`));
    return (out) => required(out, key, name);
  }
  const stacked = outputs.find((o) => o.name === 'hidden_states');
  if (stacked && stacked.dims.length === 4 && [undefined, 'string', 1].includes(dimKind(stacked.dims[1]))) {
    const declaredWidth = typeof stacked.dims[3] === 'number' ? stacked.dims[3] : undefined;
    return (out) => {
      const all = required(out, 'hidden_states', name);
      const width = declaredWidth ?? (out.last_hidden_state ? out.last_hidden_state.length / CONTEXT_LENGTH : 0);
      const layer = CONTEXT_LENGTH * width;
      const count = layer > 0 ? all.length / layer : 0;
      if (!Number.isInteger(count) || count < 2) {
        throw new Error(
          `${name}: hidden_states has ${all.length} values, not [layers, 1, ${CONTEXT_LENGTH}, width] ` +
            'with at least two layers; SDXL needs the penultimate one',
        );
      }
      return all.slice((count - 2) * layer, (count - 1) * layer);
    };
  }
  throw new Error(missing(name, outputs, stacked ? `its hidden_states is [${stacked.dims.join(', ')}]` : ''));
}

function dimKind(d: number | string | undefined): number | 'string' | undefined {
  return typeof d === 'string' ? 'string' : d;
}

function required(out: Record<string, Float32Array>, key: string, name: string): Float32Array {
  const v = out[key];
  if (!v) throw new Error(`${name} returned no ${key}`);
  return v;
}

function missing(name: string, outputs: ValueSignature[], detail: string): string {
  const has = outputs.map((o) => o.name).join(', ') || 'none';
  return (
    `${name} cannot condition SDXL${detail ? ` (${detail})` : ''}: SDXL reads the penultimate layer's hidden ` +
    `states, so the export must have the outputs hidden_states.0 … hidden_states.N (export the encoder with ` +
    `output_hidden_states) or one hidden_states [layers, 1, 77, width]; last_hidden_state alone is the wrong ` +
    `layer. Its outputs: ${has}`
  );
}
