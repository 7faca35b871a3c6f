"""IP-Adapter's decoupled cross-attention as torch modules for an ONNX export: the image projection (image_embeds ->
N extra tokens, Linear then LayerNorm), an attention processor that attends to the text tokens and, with its own
keys and values (to_k_ip, to_v_ip), to the image tokens, adding `scale` times the latter, and a wrapper that makes
the scale and the image embeddings inputs of the exported UNet. Written for diffusers' Attention modules (the
processor API: processor(attn, hidden_states, encoder_hidden_states, attention_mask)); the tests run it on tiny
stand-ins with that API, so no diffusers is needed to check it."""

import torch
from torch import nn


def split_state(state):
    """(image_proj, ip_adapter) state dicts from an IP-Adapter checkpoint: the nested .bin layout
    {"image_proj": {...}, "ip_adapter": {...}} or the flat .safetensors one ("image_proj.proj.weight", ...)."""
    if "image_proj" in state and "ip_adapter" in state:
        return dict(state["image_proj"]), dict(state["ip_adapter"])
    proj, ip = {}, {}
    for key, value in state.items():
        head, _, rest = key.partition(".")
        if head == "image_proj":
            proj[rest] = value
        elif head == "ip_adapter":
            ip[rest] = value
    if not proj or not ip:
        raise ValueError("not an IP-Adapter checkpoint: no image_proj.* and ip_adapter.* weights")
    return proj, ip


class ImageProjection(nn.Module):
    """image_embeds [b, E] -> tokens [b, N, dim]: Linear(E, N*dim), reshape, LayerNorm(dim)."""

    def __init__(self, embed, tokens, dim):
        super().__init__()
        self.tokens, self.dim = tokens, dim
        self.proj = nn.Linear(embed, tokens * dim)
        self.norm = nn.LayerNorm(dim)

    @classmethod
    def from_state(cls, proj_state, dim):
        weight = proj_state["proj.weight"]
        module = cls(weight.shape[1], weight.shape[0] // dim, dim)
        module.load_state_dict(proj_state)
        return module

    def forward(self, image_embeds):
        return self.norm(self.proj(image_embeds).reshape(-1, self.tokens, self.dim))


class ScaleHolder:
    """The scale tensor of the current call, shared by every processor (set by UnetIpIO before the UNet runs)."""

    def __init__(self):
        self.value = torch.zeros(1)


def _heads(x, heads):
    b, s, inner = x.shape
    return x.reshape(b, s, heads, inner // heads).transpose(1, 2)


def _attend(q, k, v, scale):
    weights = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * scale, dim=-1)
    return torch.matmul(weights, v)


class IpAttnProcessor(nn.Module):
    """Cross-attention over [text tokens, N image tokens]: attention(text) + scale * attention(image)."""

    def __init__(self, hidden, cross, tokens, holder):
        super().__init__()
        self.tokens, self.holder = tokens, holder
        self.to_k_ip = nn.Linear(cross, hidden, bias=False)
        self.to_v_ip = nn.Linear(cross, hidden, bias=False)

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, temb=None, **_):
        if encoder_hidden_states is None or attention_mask is not None:
            raise ValueError("the IP-Adapter processor serves cross-attention without a mask")
        for unsupported in ("spatial_norm", "group_norm", "norm_cross", "residual_connection"):
            if getattr(attn, unsupported, None):
                raise ValueError(f"the IP-Adapter processor does not handle an attention with {unsupported}")
        text = encoder_hidden_states[:, : -self.tokens]
        image = encoder_hidden_states[:, -self.tokens :]
        heads = attn.heads
        q = _heads(attn.to_q(hidden_states), heads)
        out = _attend(q, _heads(attn.to_k(text), heads), _heads(attn.to_v(text), heads), attn.scale)
        ip = _attend(q, _heads(self.to_k_ip(image), heads), _heads(self.to_v_ip(image), heads), attn.scale)
        out = out + self.holder.value.reshape(1, 1, 1, 1).to(out.dtype) * ip
        b, _, s, d = out.shape
        out = attn.to_out[0](out.transpose(1, 2).reshape(b, s, heads * d))
        out = attn.to_out[1](out)
        return out / getattr(attn, "rescale_output_factor", 1.0)


def install(unet, ip_state, tokens, holder):
    """Gives every cross-attention of `unet` an IpAttnProcessor with the checkpoint's to_k_ip / to_v_ip. The
    checkpoint numbers its layers by position in unet.attn_processors (self-attentions included), so the k-th
    processor's weights are "<k>.to_k_ip.weight"; answers how many layers were given weights."""
    processors = {}
    given = 0
    for index, (name, processor) in enumerate(unet.attn_processors.items()):
        key = f"{index}.to_k_ip.weight"
        if name.endswith("attn1.processor") or key not in ip_state:
            processors[name] = processor
            continue
        hidden, cross = ip_state[key].shape
        ip = IpAttnProcessor(hidden, cross, tokens, holder)
        ip.to_k_ip.weight.data.copy_(ip_state[key])
        ip.to_v_ip.weight.data.copy_(ip_state[f"{index}.to_v_ip.weight"])
        processors[name] = ip
        given += 1
    if given == 0:
        raise ValueError("no cross-attention layer of this UNet matches the checkpoint's ip_adapter weights")
    unet.set_attn_processor(processors)
    # The processors hold weights: kept as a module list so .to(device, dtype) moves them with the wrapper.
    return nn.ModuleList(p for p in processors.values() if isinstance(p, IpAttnProcessor))


class UnetIpIO(nn.Module):
    """sample, timestep, encoder_hidden_states, image_embeds [b, E], ip_adapter_scale [1]
    [, text_embeds, time_ids | the 13 ControlNet residuals] -> out_sample: the image tokens appended to the text
    ones, the scale shared. With `controlnet` the residuals are inputs too (down_block_0..11, mid_block), added as
    diffusers adds a ControlNet's (down_block_additional_residuals, mid_block_additional_residual): the UNet for a
    ControlNet and a reference at once."""

    def __init__(self, unet, projection, processors, holder, xl=False, controlnet=False):
        super().__init__()
        if xl and controlnet:
            raise ValueError("the ControlNet residual inputs are for the SD 2.1 family, not an SDXL UNet")
        self.unet, self.projection, self.processors, self.holder = unet, projection, processors, holder
        self.xl, self.controlnet = xl, controlnet

    def forward(self, sample, timestep, encoder_hidden_states, image_embeds, ip_adapter_scale, *extra):
        self.holder.value = ip_adapter_scale
        tokens = self.projection(image_embeds.to(encoder_hidden_states.dtype))
        context = torch.cat([encoder_hidden_states, tokens], dim=1)
        kwargs = {}
        if self.xl:
            kwargs["added_cond_kwargs"] = {"text_embeds": extra[0], "time_ids": extra[1]}
        if self.controlnet:
            if len(extra) != len(CONTROL_INPUTS):
                raise ValueError(f"the ControlNet UNet takes {len(CONTROL_INPUTS)} residuals, got {len(extra)}")
            kwargs["down_block_additional_residuals"] = tuple(extra[:-1])
            kwargs["mid_block_additional_residual"] = extra[-1]
        return self.unet(sample, timestep, context, **kwargs).sample


class ImageEncoderIO(nn.Module):
    """pixel_values [b, 3, 224, 224] (CLIP-normalised) -> image_embeds [b, E] (CLIPVisionModelWithProjection)."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, pixel_values):
        return self.encoder(pixel_values).image_embeds


UNET_INPUTS = ["sample", "timestep", "encoder_hidden_states", "image_embeds", "ip_adapter_scale"]
# The ControlNet residuals, by the pipeline's names and latent level (each level halves the size): SD 2.1's 12 down
# residuals and the mid one, as tools/sd-variants-export/contract.py and pipelines/streamdiffusion/controlnet/
# residuals.ts list them.
CONTROL_LEVELS = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3]
CONTROL_INPUTS = [f"down_block_{i}" for i in range(12)] + ["mid_block"]


def export_unet(module, example, path, xl=False, controlnet=False, opset=17):
    """The IP UNet with the pipeline's tensor names (with `controlnet`, the residual inputs after the image ones);
    batch and spatial sizes free."""
    names = UNET_INPUTS + (["text_embeds", "time_ids"] if xl else []) + (CONTROL_INPUTS if controlnet else [])
    axes = {
        "sample": {0: "batch", 2: "height", 3: "width"},
        "timestep": {0: "batch"},
        "encoder_hidden_states": {0: "batch", 1: "sequence_length"},
        "image_embeds": {0: "batch"},
        "out_sample": {0: "batch", 2: "height", 3: "width"},
    }
    if xl:
        axes.update({"text_embeds": {0: "batch"}, "time_ids": {0: "batch"}})
    if controlnet:
        for name, level in zip(CONTROL_INPUTS, CONTROL_LEVELS):
            axes[name] = {0: "batch", 2: f"latent_height_{level}", 3: f"latent_width_{level}"}
    torch.onnx.export(module, tuple(example), path, input_names=names, output_names=["out_sample"],
                      dynamic_axes=axes, opset_version=opset, do_constant_folding=True)


def residual_channels(block_out_channels):
    """Each residual's channels for a UNet's block_out_channels (2 layers per block): conv_in's, then each level's
    two layers and its downsampler (not after the last level), then the mid block's."""
    out = [block_out_channels[0]]
    for level, c in enumerate(block_out_channels):
        out += [c, c] + ([c] if level < len(block_out_channels) - 1 else [])
    return out + [block_out_channels[-1]]


def control_examples(sample, channels):
    """Example residuals for a trace: zeros at each level's size from the sample's ((h + 1) // 2 per level, as the
    UNet's stride-2 convolutions give), `channels` per residual (SD 2.1: 320, 320, 320, 320, 640, ...)."""
    b, _, h, w = sample.shape
    out = []
    for c, level in zip(channels, CONTROL_LEVELS):
        lh, lw = h, w
        for _ in range(level):
            lh, lw = (lh + 1) // 2, (lw + 1) // 2
        out.append(torch.zeros(b, c, lh, lw, device=sample.device, dtype=sample.dtype))
    return out


def export_encoder(module, path, size=224, opset=17):
    """The image encoder: pixel_values -> image_embeds, batch free."""
    example = torch.zeros(1, 3, size, size)
    torch.onnx.export(module, (example,), path, input_names=["pixel_values"], output_names=["image_embeds"],
                      dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}},
                      opset_version=opset, do_constant_folding=True)
