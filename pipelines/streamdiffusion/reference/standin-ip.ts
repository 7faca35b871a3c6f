/**
 * IP-Adapter at its real sizes with random weights, for SD-Turbo's stand-in: the CLIP ViT-H/14 vision tower with its
 * projection (what h94/IP-Adapter's models/image_encoder is: 32 layers, width 1280, 16 heads, 14-pixel patches,
 * 1024-wide image_embeds) and the stand-in UNet with the image branch beside each of its 16 cross-attentions (the
 * base IP-Adapter's 4 tokens, to_k_ip/to_v_ip from 1024 to the layer's width, the projection Linear + LayerNorm).
 * No IP-Adapter for SD 2.1 is published, so these sizes are those an SD 2.1 one would have; they measure the cost.
 */
import { Net } from '../standin/layers';
import type { NetOptions } from '../standin/layers';
import type { CrossBranch } from '../standin/unet';

const EMBED = 1024;
const CROSS = 1024;
const TOKENS = 4;
const WIDTH = 1280;
const LAYERS = 32;
const HEADS = 16;
const PATCH = 14;
const SIZE = 224;

/** Declares image_embeds and ip_adapter_scale, projects the tokens once, and gives each cross-attention its branch. */
export function ipBranch(net: Net): CrossBranch {
  const embeds = net.input('image_embeds', ['batch', EMBED]);
  const scale = net.input('ip_adapter_scale', [1]);
  const projected = net.linear(embeds, 'image_proj.proj', EMBED, TOKENS * CROSS);
  const tokens = net.layerNorm(net.reshape(projected, [-1, TOKENS, CROSS]), 'image_proj.norm', CROSS);
  return (q, prefix, n, ch, heads) => {
    const k = net.linear(tokens, `${prefix}.processor.to_k_ip`, CROSS, ch, false);
    const v = net.linear(tokens, `${prefix}.processor.to_v_ip`, CROSS, ch, false);
    return net.mul(net.attention(q, k, v, n, TOKENS, ch, heads), scale);
  };
}

/** CLIPVisionModelWithProjection (ViT-H/14): pixel_values [b,3,224,224] -> image_embeds [b,1024]. */
export function buildStandinImageEncoder(o: NetOptions): { model: Uint8Array; params: number } {
  const net = new Net('clip_vision_vit_h14', o);
  const grid = SIZE / PATCH;
  const n = grid * grid + 1;
  const pixels = net.input('pixel_values', ['batch', 3, SIZE, SIZE]);
  const patches = net.conv(pixels, 'embeddings.patch_embedding', 3, WIDTH, PATCH, PATCH, false);
  const seq = net.transpose(net.reshape(patches, [0, WIDTH, grid * grid]), [0, 2, 1]);
  // The class token per batch element: the first patch times 0 plus the embedding broadcasts it without a Shape op.
  const first = net.op('Slice', [seq, net.ints([0]), net.ints([1]), net.ints([1])]);
  const cls = net.add(net.mul(first, net.scalar(0)), net.weight('embeddings.class_embedding', [WIDTH], WIDTH));
  let x = net.op('Concat', [cls, seq], { axis: { int: 1 } });
  x = net.add(x, net.weight('embeddings.position_embedding', [n, WIDTH], WIDTH));
  x = net.layerNorm(x, 'pre_layrnorm', WIDTH);
  for (let i = 0; i < LAYERS; i++) {
    const l = `encoder.layers.${i}`;
    const h = net.layerNorm(x, `${l}.layer_norm1`, WIDTH);
    const [q, k, v] = ['q', 'k', 'v'].map((p) => net.linear(h, `${l}.self_attn.${p}_proj`, WIDTH, WIDTH));
    const a = net.attention(q!, k!, v!, n, n, WIDTH, HEADS);
    x = net.add(x, net.linear(a, `${l}.self_attn.out_proj`, WIDTH, WIDTH));
    const m = net.gelu(net.linear(net.layerNorm(x, `${l}.layer_norm2`, WIDTH), `${l}.mlp.fc1`, WIDTH, 4 * WIDTH));
    x = net.add(x, net.linear(m, `${l}.mlp.fc2`, 4 * WIDTH, WIDTH));
  }
  const pooled = net.reshape(net.op('Slice', [x, net.ints([0]), net.ints([1]), net.ints([1])]), [-1, WIDTH]);
  const embeds = net.linear(net.layerNorm(pooled, 'post_layernorm', WIDTH), 'visual_projection', WIDTH, EMBED, false);
  net.output(embeds, 'image_embeds', ['batch', EMBED]);
  return { model: net.g.toBytes(), params: net.params };
}
