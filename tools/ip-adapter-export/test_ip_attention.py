"""The IP-Adapter export's torch side on tiny stand-ins with diffusers' attention API (no diffusers, no weights):
scale 0 is the text attention alone, the checkpoint's layer numbering, both checkpoint layouts, and the export
with the pipeline's names (written to $SD_IP_EXPORT_TEST_OUT for the TypeScript test to bind and run)."""

import os
import types
import unittest

import torch
from torch import nn

from ip_attention import (ImageEncoderIO, ImageProjection, IpAttnProcessor, ScaleHolder, UnetIpIO, export_encoder,
                          export_unet, install, split_state)

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


def wrapped():
    unet = TinyUnet()
    base = TinyUnet()
    proj_state, ip_state = split_state(checkpoint())
    holder = ScaleHolder()
    processors = install(unet, ip_state, TOKENS, holder)
    io = UnetIpIO(unet, ImageProjection.from_state(proj_state, CROSS), processors, holder)
    return io.eval(), base.eval()


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
        self.assertTrue(os.path.getsize(os.path.join(out, "unet_ip", "model.onnx")) > 0)


if __name__ == "__main__":
    unittest.main()
