"""The IP-Adapter export's torch side on tiny stand-ins with diffusers' attention API (no diffusers, no weights):
scale 0 is the text attention alone, the checkpoint's layer numbering, both checkpoint layouts, the variant with the
ControlNet residual inputs, and the export with the pipeline's names (written to $SD_IP_EXPORT_TEST_OUT for the TypeScript test to bind and run)."""

import os
import types
import unittest

import torch
from torch import nn

from ip_attention import (CONTROL_INPUTS, ImageEncoderIO, ImageProjection, IpAttnProcessor, ScaleHolder, UnetIpIO,
                          control_examples, export_encoder, export_unet, install, residual_channels, split_state)

HIDDEN, CROSS, TOKENS, EMBED = 16, 12, 4, 10


class PlainProcessor:
    """Attention as diffusers' default processor computes it (the reference for scale 0)."""

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, **_):
        context = hidden_states if encoder_hidden_states is None else encoder_hidden_states
        b, s, _ = hidden_states.shape
        h = attn.heads

        def split(x):
            return x.reshape(b, -1, h, x.shape[-1] // h).transpose(1, 2)

        q, k, v = split(attn.to_q(hidden_states)), split(attn.to_k(context)), split(attn.to_v(context))
        w = torch.softmax(q @ k.transpose(-1, -2) * attn.scale, dim=-1)
        out = (w @ v).transpose(1, 2).reshape(b, s, -1)
        return attn.to_out[1](attn.to_out[0](out))


class Attention(nn.Module):
    """The attributes diffusers' Attention gives a processor."""

    def __init__(self, query, context, heads=2):
        super().__init__()
        inner = HIDDEN
        self.heads, self.scale = heads, (inner // heads) ** -0.5
        self.to_q = nn.Linear(query, inner, bias=False)
        self.to_k = nn.Linear(context, inner, bias=False)
        self.to_v = nn.Linear(context, inner, bias=False)
        self.to_out = nn.ModuleList([nn.Linear(inner, query), nn.Dropout(0.0)])
        self.processor = PlainProcessor()

    def forward(self, hidden_states, encoder_hidden_states=None):
        return self.processor(self, hidden_states, encoder_hidden_states)


class TinyUnet(nn.Module):
    """sample [b,4,h,w] -> tokens -> self-attention, cross-attention (twice) -> out_sample, with diffusers' API."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(3)
        self.inp = nn.Linear(4, HIDDEN)
        self.blocks = nn.ModuleList([self._block(), self._block()])
        self.out = nn.Linear(HIDDEN, 4)

    @staticmethod
    def _block():
        block = nn.Module()
        block.attn1 = Attention(HIDDEN, HIDDEN)
        block.attn2 = Attention(HIDDEN, CROSS)
        return block

    @property
    def attn_processors(self):
        found = {}
        for i, block in enumerate(self.blocks):
            found[f"blocks.{i}.attn1.processor"] = block.attn1.processor
            found[f"blocks.{i}.attn2.processor"] = block.attn2.processor
        return found

    def set_attn_processor(self, processors):
        for i, block in enumerate(self.blocks):
            block.attn1.processor = processors[f"blocks.{i}.attn1.processor"]
            block.attn2.processor = processors[f"blocks.{i}.attn2.processor"]

    def forward(self, sample, timestep, encoder_hidden_states):
        b, c, h, w = sample.shape
        x = self.inp(sample.reshape(b, c, h * w).transpose(1, 2))
        for block in self.blocks:
            x = x + block.attn1(x)
            x = x + block.attn2(x, encoder_hidden_states)
        x = self.out(x).transpose(1, 2).reshape(b, c, h, w)
        return types.SimpleNamespace(sample=x + timestep.to(x.dtype).reshape(-1, 1, 1, 1) / 1000)


class TinyControlUnet(TinyUnet):
    """TinyUnet (the same weights) plus each ControlNet residual's channel mean, upsampled to the sample's size, with
    diffusers' keywords for them: zero residuals give TinyUnet's output."""

    def forward(self, sample, timestep, encoder_hidden_states, down_block_additional_residuals=(),
                mid_block_additional_residual=None):
        out = super().forward(sample, timestep, encoder_hidden_states).sample
        for r in (*down_block_additional_residuals, mid_block_additional_residual):
            out = out + nn.functional.interpolate(r.mean(dim=1, keepdim=True), size=sample.shape[-2:])
        return types.SimpleNamespace(sample=out)


# Tiny block channels: the residuals' channels follow SD 2.1's layout at this width.
TINY_RESIDUALS = residual_channels([4, 8, 8, 8])


def checkpoint(nested=False):
    """A random IP-Adapter checkpoint for TinyUnet: processors 1 and 3 are its cross-attentions."""
    torch.manual_seed(5)
    proj = {"proj.weight": torch.randn(TOKENS * CROSS, EMBED) * 0.3, "proj.bias": torch.zeros(TOKENS * CROSS),
            "norm.weight": torch.ones(CROSS), "norm.bias": torch.zeros(CROSS)}
    ip = {}
    for i in (1, 3):
        ip[f"{i}.to_k_ip.weight"] = torch.randn(HIDDEN, CROSS) * 0.5
        ip[f"{i}.to_v_ip.weight"] = torch.randn(HIDDEN, CROSS) * 0.5
    if nested:
        return {"image_proj": proj, "ip_adapter": ip}
    flat = {f"image_proj.{k}": v for k, v in proj.items()}
    flat.update({f"ip_adapter.{k}": v for k, v in ip.items()})
    return flat


def wrapped(controlnet=False):
    """The UNet with the adapter installed (with `controlnet`: TinyControlUnet and the residual inputs), and the
    same UNet without it."""
    kind = TinyControlUnet if controlnet else TinyUnet
    unet = kind()
    base = kind()
    proj_state, ip_state = split_state(checkpoint())
    holder = ScaleHolder()
    processors = install(unet, ip_state, TOKENS, holder)
    io = UnetIpIO(unet, ImageProjection.from_state(proj_state, CROSS), processors, holder, controlnet=controlnet)
    return io.eval(), base.eval()


def residuals(sample, zero=False):
    torch.manual_seed(13)
    return [r if zero else torch.randn_like(r) for r in control_examples(sample, TINY_RESIDUALS)]


def inputs(b=2):
    torch.manual_seed(11)
    return [torch.randn(b, 4, 3, 5), torch.tensor([999, 20][:b]), torch.randn(b, 77, CROSS), torch.randn(b, EMBED)]


class IpAttentionTest(unittest.TestCase):
    def test_scale_zero_is_the_unet_without_the_adapter(self):
        io, base = wrapped()
        sample, t, text, embeds = inputs()
        with torch.no_grad():
            plain = base(sample, t, text).sample
            off = io(sample, t, text, embeds, torch.zeros(1))
            on = io(sample, t, text, embeds, torch.ones(1))
        self.assertTrue(torch.allclose(off, plain, atol=1e-6))
        self.assertGreater((on - plain).abs().mean().item(), 1e-3)

    def test_another_image_gives_another_output(self):
        io, _ = wrapped()
        sample, t, text, embeds = inputs()
        with torch.no_grad():
            a = io(sample, t, text, embeds, torch.ones(1))
            b = io(sample, t, text, -embeds, torch.ones(1))
        self.assertGreater((a - b).abs().mean().item(), 1e-3)

    def test_weights_go_to_the_cross_attentions_by_processor_number(self):
        io, _ = wrapped()
        _, ip_state = split_state(checkpoint())
        for i, block in enumerate(io.unet.blocks):
            self.assertNotIsInstance(block.attn1.processor, IpAttnProcessor)
            processor = block.attn2.processor
            self.assertIsInstance(processor, IpAttnProcessor)
            self.assertTrue(torch.equal(processor.to_k_ip.weight, ip_state[f"{2 * i + 1}.to_k_ip.weight"]))

    def test_nested_and_flat_checkpoints_split_alike(self):
        nested, flat = split_state(checkpoint(nested=True)), split_state(checkpoint())
        self.assertEqual(sorted(nested[0]), sorted(flat[0]))
        self.assertEqual(sorted(nested[1]), sorted(flat[1]))
        with self.assertRaises(ValueError):
            split_state({"proj.weight": torch.zeros(1)})

    def test_controlnet_variant_is_the_ip_unet_at_zero_residuals_and_the_controlnet_unet_at_scale_zero(self):
        io, _ = wrapped()
        both, control = wrapped(controlnet=True)
        sample, t, text, embeds = inputs()
        r, zero = residuals(sample), residuals(sample, zero=True)
        with torch.no_grad():
            ip_only = io(sample, t, text, embeds, torch.ones(1))
            control_only = control(sample, t, text, down_block_additional_residuals=r[:-1],
                                   mid_block_additional_residual=r[-1]).sample
            on = both(sample, t, text, embeds, torch.ones(1), *r)
            self.assertTrue(torch.allclose(both(sample, t, text, embeds, torch.ones(1), *zero), ip_only, atol=1e-6))
            self.assertTrue(torch.allclose(both(sample, t, text, embeds, torch.zeros(1), *r), control_only, atol=1e-6))
        self.assertGreater((on - ip_only).abs().mean().item(), 1e-3)
        self.assertGreater((on - control_only).abs().mean().item(), 1e-3)
        with self.assertRaises(ValueError):
            both(sample, t, text, embeds, torch.ones(1), *r[:-1])

    def test_residuals_follow_the_sd21_layout_and_sdxl_is_refused(self):
        self.assertEqual(residual_channels([320, 640, 1280, 1280]),
                         [320, 320, 320, 320, 640, 640, 640, 1280, 1280, 1280, 1280, 1280, 1280])
        self.assertEqual(len(CONTROL_INPUTS), 13)
        shapes = [tuple(r.shape[2:]) for r in control_examples(torch.zeros(1, 4, 64, 64), residual_channels([1] * 4))]
        self.assertEqual(shapes, [(64, 64)] * 3 + [(32, 32)] * 3 + [(16, 16)] * 3 + [(8, 8)] * 4)
        unet = TinyUnet()
        with self.assertRaises(ValueError):
            UnetIpIO(unet, None, None, ScaleHolder(), xl=True, controlnet=True)

    def test_export_with_the_pipeline_names(self):
        out = os.environ.get("SD_IP_EXPORT_TEST_OUT")
        if not out:
            self.skipTest("SD_IP_EXPORT_TEST_OUT not set (the TypeScript test sets it)")
        io, _ = wrapped()
        sample, t, text, embeds = inputs()
        os.makedirs(os.path.join(out, "unet_ip"), exist_ok=True)
        os.makedirs(os.path.join(out, "image_encoder"), exist_ok=True)
        export_unet(io, [sample, t.to(torch.float32), text, embeds, torch.ones(1)],
                    os.path.join(out, "unet_ip", "model.onnx"))

        class Encoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = nn.Linear(3, EMBED)

            def forward(self, pixel_values):
                return types.SimpleNamespace(image_embeds=self.proj(pixel_values.mean(dim=(2, 3))))

        export_encoder(ImageEncoderIO(Encoder()), os.path.join(out, "image_encoder", "model.onnx"))
        both, _ = wrapped(controlnet=True)
        os.makedirs(os.path.join(out, "unet_controlnet_ip"), exist_ok=True)
        export_unet(both, [sample, t.to(torch.float32), text, embeds, torch.ones(1), *residuals(sample)],
                    os.path.join(out, "unet_controlnet_ip", "model.onnx"), controlnet=True)
        self.assertTrue(os.path.getsize(os.path.join(out, "unet_ip", "model.onnx")) > 0)


if __name__ == "__main__":
    unittest.main()
