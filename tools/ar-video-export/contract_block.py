"""The ar-video block contract as a torch module over an upstream CausalWanModel's weights.

The upstream forward keeps its KV cache in Python dicts with integer indices (not traceable); this module computes
the same function with the cache as explicit tensors: the host (daydream-scope) owns which slots hold which frames
and passes a per-slot attention bias; this graph returns the block's flow prediction and its post-RoPE K and V.
Math follows wan/modules/model.py and causal_model.py (Self-Forcing, LongLive v1.0, StreamDiffusionV2):
AdaLN modulation per frame, RMS-normed q/k, 3-axis RoPE (t/h/w pairs), cross-attention over the 512 text
tokens, GELU(tanh) FFN, modulated head, unpatchify. See docs/ar-video-block-contract.md.
"""

import math

import torch
from torch import nn


def rope_split(head_dim: int):
    """Rotary pairs of (time, height, width): Wan's d - 4*(d//6), 2*(d//6), 2*(d//6) real dims, halved."""
    hw = 2 * (head_dim // 6)
    return (head_dim - 2 * hw) // 2, hw // 2, hw // 2


def inverse_frequencies(dims: int) -> torch.Tensor:
    """rope_params' 1 / 10000^(2i/dims), float64 like upstream, for dims real dimensions."""
    return 1.0 / torch.pow(10000.0, torch.arange(0, dims, 2, dtype=torch.float64) / dims)


class ContractBlock(nn.Module):
    """forward(latents, timesteps, context, frame_positions, cache_bias, cache_k.0, cache_v.0, ...)
    -> (flow, new_k.0, new_v.0, ...)."""

    def __init__(self, model: nn.Module, latent_hw, slots: int, heads_per_group: int = 4):
        super().__init__()
        self.model = model
        self.dim = model.dim
        self.heads = model.num_heads
        self.head_dim = self.dim // self.heads
        self.layers = len(model.blocks)
        self.h, self.w = latent_hw
        self.hp, self.wp = self.h // 2, self.w // 2
        self.tokens = self.hp * self.wp
        self.slots = slots
        self.heads_per_group = heads_per_group
        pt, ph, pw = rope_split(self.head_dim)
        self.register_buffer("rope_t", inverse_frequencies(2 * pt).float(), persistent=False)
        hf = inverse_frequencies(2 * ph)
        wf = inverse_frequencies(2 * pw)
        # Height and width angles are fixed by the resolution: computed once here in float64, as upstream does.
        self.register_buffer("rope_h", (torch.arange(self.hp, dtype=torch.float64)[:, None] * hf[None]).float(), persistent=False)
        self.register_buffer("rope_w", (torch.arange(self.wp, dtype=torch.float64)[:, None] * wf[None]).float(), persistent=False)
        half = model.freq_dim // 2
        self.register_buffer("time_freqs", torch.pow(10000.0, -torch.arange(half, dtype=torch.float64) / half).float(), persistent=False)

    def rope(self, positions: torch.Tensor):
        """cos and sin [N, 1, head_dim/2] for the block's tokens, frames at `positions`."""
        f = positions.shape[0]
        t = positions.float()[:, None] * self.rope_t[None]
        angles = torch.cat(
            [
                t[:, None, None, :].expand(f, self.hp, self.wp, -1),
                self.rope_h[None, :, None, :].expand(f, self.hp, self.wp, -1),
                self.rope_w[None, None, :, :].expand(f, self.hp, self.wp, -1),
            ],
            dim=-1,
        ).reshape(f * self.tokens, 1, -1)
        return torch.cos(angles), torch.sin(angles)

    @staticmethod
    def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        """Rotates consecutive pairs (x[2i], x[2i+1]) as view_as_complex does, in float32."""
        n, heads, d = x.shape
        pairs = x.float().reshape(n, heads, d // 2, 2)
        re, im = pairs[..., 0], pairs[..., 1]
        out = torch.stack([re * cos - im * sin, re * sin + im * cos], dim=-1)
        return out.reshape(n, heads, d).type_as(x)

    def attend(self, q, k, v, bias):
        """q [Nq, H, d], k/v [Nk, H, d] -> [Nq, H*d]; heads in groups bound the transient score buffer."""
        scale = 1.0 / math.sqrt(self.head_dim)
        qh, kh, vh = q.transpose(0, 1) * scale, k.transpose(0, 1), v.transpose(0, 1)
        outs = []
        for g in range(0, self.heads, self.heads_per_group):
            scores = torch.matmul(qh[g : g + self.heads_per_group], kh[g : g + self.heads_per_group].transpose(1, 2))
            if bias is not None:
                scores = scores + bias
            outs.append(torch.matmul(torch.softmax(scores.float(), dim=-1).type_as(vh), vh[g : g + self.heads_per_group]))
        return torch.cat(outs, dim=0).transpose(0, 1).reshape(q.shape[0], -1)

    def forward(self, latents, timesteps, context, frame_positions, cache_bias, *caches):
        m = self.model
        f = latents.shape[1]
        heads, d = self.heads, self.head_dim
        # Patch embedding = the Conv3d with kernel = stride = (1, 2, 2), on [1, C, F, H, W].
        x = m.patch_embedding(latents.permute(0, 2, 1, 3, 4)).flatten(2).transpose(1, 2)[0]
        # Time: per-frame sinusoid (cos first), MLP, 6 modulations per frame.
        angles = timesteps.reshape(-1, 1).float() * self.time_freqs[None]
        sinusoid = torch.cat([torch.cos(angles), torch.sin(angles)], dim=1).type_as(x)
        e = m.time_embedding(sinusoid)
        e0 = m.time_projection(e).unflatten(1, (6, self.dim))
        ctx = m.text_embedding(context[0])
        cos, sin = self.rope(frame_positions)
        n = x.shape[0]
        slot_bias = cache_bias.reshape(self.slots, 1).expand(self.slots, self.tokens).reshape(1, 1, -1)
        key_bias = torch.cat([slot_bias, torch.zeros(1, 1, n, dtype=slot_bias.dtype, device=slot_bias.device)], dim=2).type_as(x)
        outputs = []
        for i, b in enumerate(m.blocks):
            mod = (b.modulation + e0).chunk(6, dim=1)
            xf = x.reshape(f, self.tokens, self.dim)
            y = (b.norm1(xf) * (1 + mod[1]) + mod[0]).reshape(n, self.dim)
            a = b.self_attn
            q = self.apply_rope(a.norm_q(a.q(y)).reshape(n, heads, d), cos, sin)
            k = self.apply_rope(a.norm_k(a.k(y)).reshape(n, heads, d), cos, sin)
            v = a.v(y).reshape(n, heads, d)
            outputs += [k.reshape(1, f, self.tokens, heads, d), v.reshape(1, f, self.tokens, heads, d)]
            ck = caches[2 * i].reshape(-1, heads, d)
            cv = caches[2 * i + 1].reshape(-1, heads, d)
            out = a.o(self.attend(q, torch.cat([ck, k]), torch.cat([cv, v]), key_bias))
            x = (xf + out.reshape(f, self.tokens, self.dim) * mod[2]).reshape(n, self.dim)
            c = b.cross_attn
            y3 = b.norm3(x)
            cq = c.norm_q(c.q(y3)).reshape(n, heads, d)
            ck2 = c.norm_k(c.k(ctx)).reshape(-1, heads, d)
            cv2 = c.v(ctx).reshape(-1, heads, d)
            x = x + c.o(self.attend(cq, ck2, cv2, None))
            xf = x.reshape(f, self.tokens, self.dim)
            y2 = (b.norm2(xf) * (1 + mod[4]) + mod[3]).reshape(n, self.dim)
            x = (xf + b.ffn(y2).reshape(f, self.tokens, self.dim) * mod[5]).reshape(n, self.dim)
        hm = (m.head.modulation + e[:, None, :]).chunk(2, dim=1)
        yh = m.head.head(m.head.norm(x.reshape(f, self.tokens, self.dim)) * (1 + hm[1]) + hm[0])
        c_out = m.out_dim
        # Unpatchify: [F, hp, wp, 1, 2, 2, C] -> [C, F, H, W] (einsum fhwpqrc->cfphqwr), then the contract's layout.
        grid = yh.reshape(f, self.hp, self.wp, 2, 2, c_out).permute(0, 5, 1, 3, 2, 4)
        flow = grid.reshape(1, f, c_out, self.h, self.w)
        return (flow, *outputs)


def block_io_names(layers: int):
    inputs = ["latents", "timesteps", "context", "frame_positions", "cache_bias"]
    outputs = ["flow"]
    for i in range(layers):
        inputs += [f"cache_k.{i}", f"cache_v.{i}"]
        outputs += [f"new_k.{i}", f"new_v.{i}"]
    return inputs, outputs
