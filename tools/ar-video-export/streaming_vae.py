"""Streaming VAE halves as graphs with explicit state (`state_in.N` -> `state_out.N`).

Wan VAE (wan/modules/vae.py): every CausalConv3d keeps the last CACHE_T = 2 time slices of its input in a
feat_cache list, and the stream's first chunk takes another path (the decoder's Resample skips its temporal
upsampling, marking the slot 'Rep'; the encoder's downsampling just stores its input). So each half is exported
twice: `first` (no state in, state out) and steady (state in and out). Steady state has fixed shapes; a cache
shorter than 2 slices, a None or a 'Rep' becomes zeros in front, which CausalConv3d's zero padding makes exactly
equivalent (it pads the past with zeros; a cache of zeros is the same past).

TAEHV (madebyollin/taehv): each MemBlock reads its own input at the previous time step; the state is that last
input per MemBlock, and the chunk runs in parallel over time (apply_model_with_memblocks_parallel, with the state
instead of the zero frame).
"""

import torch
from torch import nn


def _pad_time(t, shape, like: torch.Tensor) -> torch.Tensor:
    """A cache slot at its steady shape [1, C, 2, H, W]: missing leading slices are zeros."""
    if t is None or isinstance(t, str):
        return torch.zeros(shape, dtype=like.dtype, device=like.device)
    missing = shape[2] - t.shape[2]
    if missing > 0:
        t = torch.cat([torch.zeros(*t.shape[:2], missing, *t.shape[3:], dtype=t.dtype, device=t.device), t], dim=2)
    return t


class WanVaeStep(nn.Module):
    """One chunk through the Wan VAE encoder or decoder, feat_cache as tensors."""

    def __init__(self, vae, kind: str, first: bool, state_shapes, normalise_encoder: bool = False):
        super().__init__()
        self.vae = vae  # WanVAE_ (encoder, conv1, conv2, decoder)
        self.kind = kind
        self.first = first
        # StreamDiffusionV2 feeds the DiT the encoder's raw mu (stream_encode with is_scale=False; Scope likewise)
        # while its decoder de-normalises (z*std + mean): the export follows upstream, so the encoder's latents
        # are not normalised unless asked.
        self.normalise_encoder = normalise_encoder
        self.state_shapes = state_shapes  # steady shapes, one per cache slot
        self.register_buffer("mean", torch.tensor(WAN_MEAN), persistent=False)
        self.register_buffer("std", torch.tensor(WAN_STD), persistent=False)

    def forward(self, x, *state):
        cache = [None] * len(self.state_shapes) if self.first else list(state)
        if self.kind == "decoder":
            # latents [1, F=1, 16, h, w] (normalised) -> [1, 16, 1, h, w] in the VAE's own scale.
            z = x.permute(0, 2, 1, 3, 4) * self.std.view(1, -1, 1, 1, 1) + self.mean.view(1, -1, 1, 1, 1)
            out = self.vae.decoder(self.vae.conv2(z), feat_cache=cache, feat_idx=[0])
            result = out.clamp(-1, 1).permute(0, 2, 1, 3, 4)  # frames [1, T, 3, H, W] in [-1, 1]
        else:
            # frames [1, T, 3, H, W] in [-1, 1] -> latents [1, 1, 16, h, w]: mu as StreamDiffusionV2 feeds the DiT.
            out = self.vae.encoder(x.permute(0, 2, 1, 3, 4), feat_cache=cache, feat_idx=[0])
            mu = self.vae.conv1(out).chunk(2, dim=1)[0]
            if self.normalise_encoder:
                mu = (mu - self.mean.view(1, -1, 1, 1, 1)) / self.std.view(1, -1, 1, 1, 1)
            result = mu.permute(0, 2, 1, 3, 4)
        new_state = [_pad_time(c, s, result).to(result.dtype) for c, s in zip(cache, self.state_shapes)]
        return (result, *new_state)


# Latent normalisation of the Wan 2.1 VAE (wan/modules/vae.py; the same in Scope's wan2_1/vae/constants.py).
WAN_MEAN = [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921]
WAN_STD = [2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160]


def steady_state_shapes(vae, kind: str, chunk: torch.Tensor, first_chunk: torch.Tensor):
    """Runs the half eagerly (first chunk, then two steady ones) and returns every cache slot's steady shape."""
    part = vae.decoder if kind == "decoder" else vae.encoder
    n = cached_conv_slots(part)
    cache = [None] * n
    used = [0]

    def run(x):
        idx = [0]
        if kind == "decoder":
            part(vae.conv2(x), feat_cache=cache, feat_idx=idx)
        else:
            part(x, feat_cache=cache, feat_idx=idx)
        used[0] = idx[0]

    run(first_chunk)
    run(chunk)
    run(chunk)
    if used[0] != n:
        raise SystemExit(f"the {kind} used {used[0]} cache slots, {n} were counted; this VAE is not supported")
    shapes = []
    for c in cache:
        if not torch.is_tensor(c):
            raise SystemExit(f"a {kind} cache slot is still {c!r} after two steady chunks; this VAE is not supported")
        shapes.append((c.shape[0], c.shape[1], 2, c.shape[3], c.shape[4]))
    return shapes


def cached_conv_slots(part) -> int:
    """The feat_cache slots one pass of a Wan VAE half uses: every CausalConv3d except a ResidualBlock's shortcut.

    Upstream sizes its feat_cache with count_conv3d (every CausalConv3d), but ResidualBlock.forward calls its
    1x1x1 shortcut without a cache and without advancing feat_idx, so those slots stay None: the Wan 2.1 decoder
    uses 32 of its 33 counted slots, the encoder 24 of 26. Classes are matched by name so the rule can be checked
    on tiny stand-in modules without the upstream code.
    """
    modules = list(part.modules())
    shortcuts = {id(m.shortcut) for m in modules if type(m).__name__ == "ResidualBlock" and hasattr(m, "shortcut")}
    return sum(type(m).__name__ == "CausalConv3d" and id(m) not in shortcuts for m in modules)


class TaehvDecoderStep(nn.Module):
    """TAEHV decoder over a chunk of latent frames [1, F, 16, h, w] with each MemBlock's last input as state."""

    def __init__(self, taehv):
        super().__init__()
        self.taehv = taehv
        from taehv import MemBlock  # type: ignore

        self.mem = [i for i, b in enumerate(taehv.decoder) if isinstance(b, MemBlock)]

    def forward(self, latents, *state):
        x = latents[0]  # [T, C, h, w]
        new_state = []
        k = 0
        from taehv import MemBlock  # type: ignore

        for b in self.taehv.decoder:
            if isinstance(b, MemBlock):
                past = torch.cat([state[k], x], dim=0)[: x.shape[0]]
                new_state.append(x[-1:])
                x = b(x, past)
                k += 1
            else:
                x = b(x)
        frames = x.clamp(0, 1) * 2 - 1  # TAEHV gives [0, 1]; the contract wants [-1, 1]
        return (frames[None], *new_state)


def taehv_state_shapes(taehv, h: int, w: int):
    """Shape [1, C, H', W'] of each MemBlock's input, from one eager pass over a single latent frame."""
    from taehv import MemBlock  # type: ignore

    shapes = []
    x = torch.zeros(1, taehv.latent_channels, h, w)
    for b in taehv.decoder:
        if isinstance(b, MemBlock):
            shapes.append((1, *x.shape[1:]))
            x = b(x, x * 0)
        else:
            x = b(x)
    return shapes
