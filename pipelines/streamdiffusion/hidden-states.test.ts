import { describe, expect, it } from 'vitest';
import type { ValueSignature } from '../../src/runtime/onnx-signature';
import { penultimateReader } from './hidden-states';

const out = (name: string, dims: ValueSignature['dims'] = [1, 77, 4]): ValueSignature => ({
  name,
  type: 'float32',
  dims,
});
const layer = (v: number, width = 4) => new Float32Array(77 * width).fill(v);

describe('SDXL text encoder features', () => {
  it('reads the penultimate of hidden_states.0 … hidden_states.N', () => {
    const outputs = [out('last_hidden_state'), ...[0, 1, 2, 3].map((i) => out(`hidden_states.${i}`))];
    const read = penultimateReader('text_encoder/model.onnx', outputs);
    const values = { last_hidden_state: layer(9), 'hidden_states.2': layer(2), 'hidden_states.3': layer(3) };
    expect(read(values)[0]).toBe(2);
  });

  it('reads the penultimate layer of one stacked hidden_states [layers, 1, 77, width]', () => {
    const read = penultimateReader('text_encoder_2/model.onnx', [out('hidden_states', ['layers', 1, 77, 4])]);
    const stacked = new Float32Array(3 * 77 * 4);
    [0, 1, 2].forEach((l) => stacked.fill(l + 10, l * 77 * 4, (l + 1) * 77 * 4));
    const features = read({ hidden_states: stacked });
    expect(features.length).toBe(77 * 4);
    expect([...new Set(features)]).toEqual([11]);
    expect(() => read({ hidden_states: new Float32Array(77 * 4) })).toThrow(/at least two layers/);
  });

  it('refuses an export with last_hidden_state alone, saying what it must have', () => {
    const only = [out('last_hidden_state'), out('text_embeds', [1, 1280])];
    expect(() => penultimateReader('text_encoder_2/model.onnx', only)).toThrow(
      /text_encoder_2\/model\.onnx cannot condition SDXL: .*hidden_states\.0 … hidden_states\.N .*Its outputs: last_hidden_state, text_embeds/,
    );
    // One hidden_states without a layer axis could be any layer: refused too.
    expect(() => penultimateReader('text_encoder/model.onnx', [out('hidden_states')])).toThrow(
      /hidden_states is \[1, 77, 4\]/,
    );
  });
});
