"""torch modules that give diffusers' networks the inputs and outputs of contract.py: element types cast at the
edges, integer timestep and ids kept integer, the outputs the pipeline reads. They take any module with diffusers'
call signature, so the tests run them on tiny stand-ins."""

import torch
from torch import nn

DTYPES = {"float32": torch.float32, "float16": torch.float16}


class UnetIO(nn.Module):
    """sample, timestep (int64), encoder_hidden_states [, text_embeds, time_ids] -> out_sample."""

    def __init__(self, unet, compute, io, xl=False):
        super().__init__()
        self.unet, self.compute, self.io, self.xl = unet, DTYPES[compute], DTYPES[io], xl

    def forward(self, sample, timestep, encoder_hidden_states, text_embeds=None, time_ids=None):
        extra = {}
        if self.xl:
            extra["added_cond_kwargs"] = {
                "text_embeds": text_embeds.to(self.compute),
                "time_ids": time_ids.to(self.compute),
            }
        out = self.unet(sample.to(self.compute), timestep, encoder_hidden_states.to(self.compute), **extra)
        return out.sample.to(self.io)


class ControlNetIO(nn.Module):
    """sample, timestep (int64), encoder_hidden_states, controlnet_cond -> the 12 down residuals and the mid one,
    at conditioning scale 1 (the pipeline scales and sums them)."""

    def __init__(self, controlnet, compute, io):
        super().__init__()
        self.controlnet, self.compute, self.io = controlnet, DTYPES[compute], DTYPES[io]

    def forward(self, sample, timestep, encoder_hidden_states, controlnet_cond):
        down, mid = self.controlnet(sample.to(self.compute), timestep, encoder_hidden_states.to(self.compute),
                                    controlnet_cond=controlnet_cond.to(self.compute), conditioning_scale=1.0,
                                    return_dict=False)
        return tuple(r.to(self.io) for r in (*down, mid))


class UnetControlIO(nn.Module):
    """sample, timestep (int64), encoder_hidden_states, then the 13 residuals -> out_sample: diffusers adds them to
    the skips (down_block_additional_residuals) and to the mid block's output (mid_block_additional_residual)."""

    def __init__(self, unet, compute, io):
        super().__init__()
        self.unet, self.compute, self.io = unet, DTYPES[compute], DTYPES[io]

    def forward(self, sample, timestep, encoder_hidden_states, *residuals):
        r = [x.to(self.compute) for x in residuals]
        out = self.unet(sample.to(self.compute), timestep, encoder_hidden_states.to(self.compute),
                        down_block_additional_residuals=tuple(r[:12]), mid_block_additional_residual=r[12])
        return out.sample.to(self.io)


class TextIO(nn.Module):
    """input_ids (int32) -> last_hidden_state, pooler_output | text_embeds (`projection`) [, hidden_states stacked
    by layer (`xl`)]."""

    def __init__(self, encoder, io, xl=False, projection=False):
        super().__init__()
        self.encoder, self.io, self.xl, self.projection = encoder, DTYPES[io], xl, projection

    def forward(self, input_ids):
        out = self.encoder(input_ids.to(torch.int64), output_hidden_states=self.xl)
        pooled = out.text_embeds if self.projection else out.pooler_output
        result = (out.last_hidden_state.to(self.io), pooled.to(self.io))
        if self.xl:
            result += (torch.stack(out.hidden_states).to(self.io),)
        return result


class VaeDecoderIO(nn.Module):
    """latent_sample (unscaled) -> sample in [-1, 1]."""

    def __init__(self, vae, compute, io):
        super().__init__()
        self.vae, self.compute, self.io = vae, DTYPES[compute], DTYPES[io]

    def forward(self, latent_sample):
        return self.vae.decode(latent_sample.to(self.compute)).sample.to(self.io)


class VaeEncoderIO(nn.Module):
    """sample in [-1, 1] -> latent_sample (unscaled): the distribution's mean, so a still frame gives a still latent.
    A tiny autoencoder (diffusers' AutoencoderTiny, SDXS's own VAE) has no distribution: its `latents` are taken."""

    def __init__(self, vae, compute, io):
        super().__init__()
        self.vae, self.compute, self.io = vae, DTYPES[compute], DTYPES[io]

    def forward(self, sample):
        encoded = self.vae.encode(sample.to(self.compute))
        latents = encoded.latent_dist.mean if hasattr(encoded, "latent_dist") else encoded.latents
        return latents.to(self.io)


def export_network(module, network, variant, path, example, xl=False, projection=False, opset=17, size=None):
    """torch.onnx.export with the contract's tensor names and free dimensions (spatial ones fixed at `size`)."""
    from contract import dynamic_axes, io_spec

    inputs, outputs = io_spec(network, variant, xl, projection, size)
    torch.onnx.export(
        module,
        tuple(example),
        path,
        input_names=[n for n, _, _ in inputs],
        output_names=[n for n, _, _ in outputs],
        dynamic_axes=dynamic_axes(network, variant, xl, projection, size),
        opset_version=opset,
        do_constant_folding=True,
    )
