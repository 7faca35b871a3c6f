"""Tests of the exporter's parts that need no diffusers, weights or GPU (run by
pipelines/streamdiffusion/exporter-python.test.ts under Debian's python3-torch): the contract against the names
onnxruntime's WebGPU example feeds, the wrappers' casts on tiny stand-in modules, and torch.onnx.export of wrapped
stand-ins with the contract's names, into $SD_EXPORT_TEST_OUT when set (the TypeScript test then binds them as the
pipeline does)."""

import os
import sys
import tempfile
import types
import unittest

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from contract import RESIDUAL_NAMES, SD21_RESIDUALS, check_signature, dynamic_axes, fusion_options, io_spec  # noqa: E402
from export import parse_sizes  # noqa: E402
from wrappers import (  # noqa: E402
    ControlNetIO,
    TextIO,
    UnetControlIO,
    UnetIO,
    VaeDecoderIO,
    VaeEncoderIO,
    export_network,
)

# The free dimensions onnxruntime's js/sd-turbo example overrides (index.js, freeDimensionOverrides).
EXAMPLE_DIMS = {"batch_size", "num_channels", "height", "width", "sequence_length", "num_channels_latent",
                "height_latent", "width_latent"}


class FakeUnet(nn.Module):
    """diffusers' UNet call signature: (sample, timestep, encoder_hidden_states) -> .sample."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 1)

    def forward(self, sample, timestep, encoder_hidden_states, added_cond_kwargs=None):
        self.seen = (sample.dtype, timestep.dtype)
        t = timestep.to(sample.dtype).reshape(-1, 1, 1, 1) / 1000
        c = encoder_hidden_states.mean(dim=(1, 2)).reshape(-1, 1, 1, 1)
        return types.SimpleNamespace(sample=self.conv(sample) + t + c)


class FakeControlNet(nn.Module):
    """diffusers' ControlNetModel call signature, with the SD 2.1 residual channels and levels at any latent size."""

    def __init__(self):
        super().__init__()
        self.hint = nn.Conv2d(3, 4, 1)
        self.zero = nn.ModuleList([nn.Conv2d(4, c, 1) for c, _ in SD21_RESIDUALS])

    def forward(self, sample, timestep, encoder_hidden_states, controlnet_cond, conditioning_scale=1.0,
                return_dict=True):
        x = sample + self.hint(nn.functional.avg_pool2d(controlnet_cond, 8)) + timestep.to(sample.dtype).reshape(
            -1, 1, 1, 1) / 1000 + encoder_hidden_states.mean(dim=(1, 2)).reshape(-1, 1, 1, 1)
        levels = [x]
        for _ in range(3):
            levels.append(nn.functional.avg_pool2d(levels[-1], 2, ceil_mode=True))
        res = [conv(levels[level]) * conditioning_scale for conv, (_, level) in zip(self.zero, SD21_RESIDUALS)]
        return tuple(res[:12]), res[12]


class FakeControlUnet(FakeUnet):
    """FakeUnet plus each residual's channel mean, upsampled: zero residuals give FakeUnet's output."""

    def forward(self, sample, timestep, encoder_hidden_states, down_block_additional_residuals=None,
                mid_block_additional_residual=None):
        out = super().forward(sample, timestep, encoder_hidden_states).sample
        for r in (*down_block_additional_residuals, mid_block_additional_residual):
            out = out + nn.functional.interpolate(r.mean(dim=1, keepdim=True), size=sample.shape[-2:])
        return types.SimpleNamespace(sample=out)


class FakeText(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = nn.Embedding(49408, 8)

    def forward(self, ids, output_hidden_states=False):
        h = torch.tanh(self.table(ids))
        return types.SimpleNamespace(last_hidden_state=h, pooler_output=h[:, 0], text_embeds=h[:, -1] * 2,
                                     hidden_states=(h * 0.5, h) if output_hidden_states else None)


class FakeVae(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 8, 8, stride=8)
        self.up = nn.ConvTranspose2d(4, 3, 8, stride=8)

    def encode(self, x):
        mean, _ = self.down(x).chunk(2, dim=1)
        return types.SimpleNamespace(latent_dist=types.SimpleNamespace(mean=mean, sample=lambda: mean + 1))

    def decode(self, z):
        return types.SimpleNamespace(sample=torch.tanh(self.up(z)))


class Contract(unittest.TestCase):
    def test_webgpu_matches_the_example_feeds(self):
        unet_in, unet_out = io_spec("unet", "webgpu")
        self.assertEqual([(n, t) for n, t, _ in unet_in],
                         [("sample", "float32"), ("timestep", "int64"), ("encoder_hidden_states", "float32")])
        self.assertEqual(unet_out[0][0], "out_sample")
        self.assertEqual(io_spec("text_encoder", "webgpu")[0][0][:2], ("input_ids", "int32"))
        self.assertEqual(io_spec("text_encoder", "webgpu")[1][0][0], "last_hidden_state")
        dec_in, dec_out = io_spec("vae_decoder", "webgpu")
        self.assertEqual((dec_in[0][0], dec_out[0][0]), ("latent_sample", "sample"))
        named = set()
        for network in ("unet", "text_encoder", "vae_decoder"):
            for axes in dynamic_axes(network, "webgpu").values():
                named |= set(axes.values())
        self.assertTrue(EXAMPLE_DIMS <= named, EXAMPLE_DIMS - named)

    def test_olive_cuda_is_float16_with_the_cuda_fusions(self):
        self.assertTrue(all(t != "float32" for _, t, _ in io_spec("unet", "olive-cuda")[0]))
        self.assertEqual(fusion_options("olive-cuda")["enable_group_norm"], True)
        self.assertEqual(fusion_options("olive-cuda")["enable_nhwc_conv"], True)
        self.assertIsNone(fusion_options("webgpu"))

    def test_check_signature_names_what_differs(self):
        declared = {"input": {"sample": ("float16", 4), "timestep": ("float32", 1), "encoder_hidden_states":
                              ("float16", 3)}, "output": {}}
        self.assertEqual(check_signature("unet", "olive-cuda", declared),
                         ["unet: input timestep is float32, expected int64", "unet: no output out_sample"])
        with self.assertRaises(ValueError):
            io_spec("unet", "tpu")


class FakeTinyVae(FakeVae):
    """diffusers' AutoencoderTiny (SDXS's own VAE): encode gives `latents`, no distribution."""

    def encode(self, x):
        mean, _ = self.down(x).chunk(2, dim=1)
        return types.SimpleNamespace(latents=mean * 3)


class StaticSizes(unittest.TestCase):
    def test_a_size_pins_the_spatial_dimensions_of_the_image_networks(self):
        unet_in, unet_out = io_spec("unet", "webgpu", size=(448, 384))
        self.assertEqual(unet_in[0][2], ["batch_size", "num_channels", 48, 56])
        self.assertEqual(unet_out[0][2], ["batch_size", "num_channels", 48, 56])
        dec_in, dec_out = io_spec("vae_decoder", "webgpu", size=(448, 384))
        self.assertEqual(dec_in[0][2], ["batch_size", "num_channels_latent", 48, 56])
        self.assertEqual(dec_out[0][2], ["batch_size", 3, 384, 448])
        self.assertEqual(io_spec("vae_encoder", "olive-cuda", size=(512, 512))[0][0][2], ["batch", 3, 512, 512])
        # Only the batch (and the channels, as the example names them) stay free; the text encoder has no size.
        self.assertEqual(dynamic_axes("unet", "webgpu", size=(384, 384))["sample"], {0: "batch_size", 1: "num_channels"})
        self.assertEqual(io_spec("text_encoder", "webgpu", size=(384, 384)), io_spec("text_encoder", "webgpu"))

    def test_sizes_parse_and_refuse_what_the_vae_cannot_take(self):
        self.assertEqual(parse_sizes("384, 448,512x384"), [(384, 384), (448, 448), (512, 384)])
        self.assertEqual(parse_sizes(""), [None])
        with self.assertRaisesRegex(ValueError, "multiples of 8, got 450x450"):
            parse_sizes("450")


class ControlNetContract(unittest.TestCase):
    def test_controlnet_gives_what_the_controlnet_unet_takes(self):
        net_in, net_out = io_spec("controlnet", "webgpu")
        unet_in, unet_out = io_spec("unet_controlnet", "webgpu")
        self.assertEqual([n for n, _, _ in net_in], ["sample", "timestep", "encoder_hidden_states", "controlnet_cond"])
        self.assertEqual([n for n, _, _ in net_out], RESIDUAL_NAMES)
        self.assertEqual(unet_in[3:], net_out)
        self.assertEqual(unet_out[0][0], "out_sample")
        # SD 2.1: 320 at the latent size down to 1280 at an eighth of it.
        self.assertEqual([(d[1], d[2]) for _, _, d in net_out][::4],
                         [(320, "latent_height_0"), (640, "latent_height_1"), (1280, "latent_height_2"),
                          (1280, "latent_height_3")])
        with self.assertRaises(ValueError):
            io_spec("controlnet", "webgpu", xl=True)

    def test_wrappers_order_the_residuals_and_pass_them_on(self):
        torch.manual_seed(0)
        net, unet = ControlNetIO(FakeControlNet(), "float32", "float32"), UnetControlIO(FakeControlUnet(), "float32",
                                                                                          "float32")
        args = [torch.randn(2, 4, 8, 8), torch.tensor([999, 1]), torch.randn(2, 77, 8)]
        residuals = net(*args, torch.rand(2, 3, 64, 64))
        self.assertEqual([tuple(r.shape) for r in residuals],
                         [(2, c, 8 >> level, 8 >> level) for c, level in SD21_RESIDUALS])
        zeros = [torch.zeros_like(r) for r in residuals]
        base = UnetIO(FakeUnet(), "float32", "float32")
        base.unet.load_state_dict(unet.unet.state_dict())
        self.assertTrue(torch.equal(unet(*args, *zeros), base(*args)))
        self.assertFalse(torch.equal(unet(*args, *residuals), base(*args)))


class Wrappers(unittest.TestCase):
    def test_unet_keeps_the_timestep_integer_and_casts_the_edges(self):
        unet = FakeUnet().to(torch.float64)
        io = UnetIO(unet, "float32", "float32")
        io.compute = torch.float64  # a compute type the CPU runs, standing in for float16
        out = io(torch.randn(2, 4, 8, 8), torch.tensor([999, 1]), torch.randn(2, 77, 8))
        self.assertEqual(unet.seen, (torch.float64, torch.int64))
        self.assertEqual(out.dtype, torch.float32)

    def test_text_outputs_follow_the_contract_order(self):
        ids = torch.randint(0, 49407, (1, 77), dtype=torch.int32)
        sd = TextIO(FakeText(), "float32")(ids)
        self.assertEqual(len(sd), 2)
        xl2 = TextIO(FakeText(), "float32", xl=True, projection=True)(ids)
        self.assertEqual(len(xl2), 3)
        self.assertEqual(list(xl2[2].shape), [2, 1, 77, 8])
        self.assertTrue(torch.allclose(xl2[1], xl2[0][:, -1] * 2))

    def test_vae_encoder_takes_the_mean(self):
        vae = FakeVae()
        x = torch.randn(1, 3, 16, 16)
        self.assertTrue(torch.allclose(VaeEncoderIO(vae, "float32", "float32")(x), vae.encode(x).latent_dist.mean))

    def test_vae_encoder_takes_a_tiny_autoencoders_latents(self):
        vae = FakeTinyVae()
        x = torch.randn(1, 3, 16, 16)
        self.assertTrue(torch.allclose(VaeEncoderIO(vae, "float32", "float32")(x), vae.encode(x).latents))


class Export(unittest.TestCase):
    def test_writes_wrapped_stand_ins_with_the_contract_names(self):
        out = os.environ.get("SD_EXPORT_TEST_OUT") or tempfile.mkdtemp()
        torch.manual_seed(0)
        jobs = [
            ("unet", UnetIO(FakeUnet(), "float32", "float32"),
             [torch.randn(1, 4, 8, 8), torch.tensor([999]), torch.randn(1, 77, 8)]),
            ("text_encoder", TextIO(FakeText(), "float32"), [torch.randint(0, 49407, (1, 77), dtype=torch.int32)]),
            ("vae_decoder", VaeDecoderIO(FakeVae(), "float32", "float32"), [torch.randn(1, 4, 8, 8)]),
            ("vae_encoder", VaeEncoderIO(FakeVae(), "float32", "float32"), [torch.randn(1, 3, 64, 64)]),
            ("controlnet", ControlNetIO(FakeControlNet(), "float32", "float32"),
             [torch.randn(1, 4, 8, 8), torch.tensor([999]), torch.randn(1, 77, 8), torch.rand(1, 3, 64, 64)]),
            ("unet_controlnet", UnetControlIO(FakeControlUnet(), "float32", "float32"),
             [torch.randn(1, 4, 8, 8), torch.tensor([999]), torch.randn(1, 77, 8)]
             + [torch.randn(1, c, 8 >> level, 8 >> level) for c, level in SD21_RESIDUALS]),
        ]
        for network, module, example in jobs:
            folder = "controlnet_depth" if network == "controlnet" else network
            path = os.path.join(out, folder, "model.onnx")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with torch.no_grad():
                export_network(module.eval(), network, "webgpu", path, example)
            self.assertGreater(os.path.getsize(path), 0)

    def test_writes_static_graphs_at_a_size(self):
        out = os.path.join(os.environ.get("SD_EXPORT_TEST_OUT") or tempfile.mkdtemp(), "static-48x48")
        torch.manual_seed(0)
        jobs = [
            ("unet", UnetIO(FakeUnet(), "float32", "float32"),
             [torch.randn(1, 4, 6, 6), torch.tensor([999]), torch.randn(1, 77, 8)]),
            ("vae_decoder", VaeDecoderIO(FakeTinyVae(), "float32", "float32"), [torch.randn(1, 4, 6, 6)]),
            ("vae_encoder", VaeEncoderIO(FakeTinyVae(), "float32", "float32"), [torch.randn(1, 3, 48, 48)]),
        ]
        for network, module, example in jobs:
            path = os.path.join(out, network, "model.onnx")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with torch.no_grad():
                export_network(module.eval(), network, "webgpu", path, example, size=(48, 48))
            self.assertGreater(os.path.getsize(path), 0)


if __name__ == "__main__":
    unittest.main()
