/**
 * The OpenCLIP ViT-H/14 text tower as SD 2.x uses it (HF CLIPTextModel export: hidden 1024, 16 heads, MLP 4096
 * with GELU, 23 layers, vocabulary 49408, 77 positions, causal attention, final LayerNorm) with random weights:
 * input_ids int32 [batch, 77] -> last_hidden_state [batch, 77, 1024].
 */
import { CONTEXT_LENGTH } from '../clip-tokenizer';
import { Net } from './layers';
import type { NetOptions } from './layers';

const HIDDEN = 1024;
const HEADS = 16;
const MLP = 4096;
const LAYERS = 23;
const VOCAB = 49408;

export function buildStandinTextEncoder(o: NetOptions): { model: Uint8Array; params: number } {
  const net = new Net('openclip_vit_h_text', o);
  const ids = net.g.input('input_ids', 'int32', ['batch', CONTEXT_LENGTH]);
  const table = net.weight('text_model.embeddings.token_embedding.weight', [VOCAB, HIDDEN], HIDDEN);
  const positions = net.weight('text_model.embeddings.position_embedding.weight', [CONTEXT_LENGTH, HIDDEN], HIDDEN);
  let x = net.add(net.op('Gather', [table, ids], { axis: { int: 0 } }), positions);
  // Each token sees itself and the ones before it: -10000 (not -inf, which float16 softmax turns into NaN) above
  // the diagonal.
  const mask = Array.from({ length: CONTEXT_LENGTH * CONTEXT_LENGTH }, (_, i) =>
    i % CONTEXT_LENGTH > Math.floor(i / CONTEXT_LENGTH) ? -10000 : 0,
  );
  const causal = net.fromFloat(net.g.floats('causal_mask', [CONTEXT_LENGTH, CONTEXT_LENGTH], mask));
  for (let l = 0; l < LAYERS; l++) {
    const p = `text_model.encoder.layers.${l}`;
    const h = net.layerNorm(x, `${p}.layer_norm1`, HIDDEN);
    const [q, k, v] = ['q_proj', 'k_proj', 'v_proj'].map((n) => net.linear(h, `${p}.self_attn.${n}`, HIDDEN, HIDDEN));
    const attn = net.attention(q!, k!, v!, CONTEXT_LENGTH, CONTEXT_LENGTH, HIDDEN, HEADS, causal);
    x = net.add(x, net.linear(attn, `${p}.self_attn.out_proj`, HIDDEN, HIDDEN));
    const m = net.gelu(net.linear(net.layerNorm(x, `${p}.layer_norm2`, HIDDEN), `${p}.mlp.fc1`, HIDDEN, MLP));
    x = net.add(x, net.linear(m, `${p}.mlp.fc2`, MLP, HIDDEN));
  }
  net.output(net.layerNorm(x, 'text_model.final_layer_norm', HIDDEN), 'last_hidden_state', [
    'batch',
    CONTEXT_LENGTH,
    HIDDEN,
  ]);
  return { model: net.g.toBytes(), params: net.params };
}
