"""Tests of the exporter's logic that needs no upstream code or weights (run by pipelines/ar-video/exporter.test.ts
under Debian's python3-torch): the Wan VAE cache-slot counting and the x0/flow conversion of the check.

The tiny modules below follow the caching rule of wan/modules/vae.py (a fact, not its code): each cached causal
convolution keeps the last 2 time slices of its input and advances feat_idx; a ResidualBlock's 1x1x1 shortcut is
called without the cache."""

import os
import sys
import unittest

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import prediction  # noqa: E402
from streaming_vae import WAN_MEAN, WAN_STD, WanVaeStep, cached_conv_slots, steady_state_shapes  # noqa: E402


class CausalConv3d(nn.Conv3d):
    """Pads the past only: a cache of k-1 slices stands in for the zero padding."""

    def __init__(self, cin, cout, k):
        super().__init__(cin, cout, (k, 1, 1))
        self.past = k - 1

    def forward(self, x, cache=None):
        if self.past == 0:
            return super().forward(x)
        past = cache if cache is not None else x.new_zeros(*x.shape[:2], 0, *x.shape[3:])
        x = torch.cat([past, x], dim=2)
        pad = self.past - min(self.past, past.shape[2])
        x = nn.functional.pad(x, (0, 0, 0, 0, pad, 0))
        return super().forward(x)


def cached_call(conv, x, feat_cache, feat_idx):
    idx = feat_idx[0]
    keep = x[:, :, -2:].clone()
    if keep.shape[2] < 2 and feat_cache[idx] is not None:
        keep = torch.cat([feat_cache[idx][:, :, -1:], keep], dim=2)
    out = conv(x, feat_cache[idx])
    feat_cache[idx] = keep
    feat_idx[0] += 1
    return out


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.residual = nn.Sequential(CausalConv3d(cin, cout, 3), nn.SiLU(), CausalConv3d(cout, cout, 3))
        self.shortcut = CausalConv3d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, feat_cache=None, feat_idx=(0,)):
        h = self.shortcut(x)  # never cached, feat_idx not advanced
        for layer in self.residual:
            x = cached_call(layer, x, feat_cache, feat_idx) if isinstance(layer, CausalConv3d) else layer(x)
        return x + h


class Half(nn.Module):
    """conv -> ResidualBlock(c, 2c) (with shortcut) -> ResidualBlock(2c, 2c) -> conv."""

    def __init__(self, cin, c, cout):
        super().__init__()
        self.conv1 = CausalConv3d(cin, c, 3)
        self.blocks = nn.ModuleList([ResidualBlock(c, 2 * c), ResidualBlock(2 * c, 2 * c)])
        self.head = CausalConv3d(2 * c, cout, 3)

    def forward(self, x, feat_cache=None, feat_idx=(0,)):
        x = cached_call(self.conv1, x, feat_cache, feat_idx)
        for b in self.blocks:
            x = b(x, feat_cache, feat_idx)
        return cached_call(self.head, x, feat_cache, feat_idx)


class TinyVae(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Half(3, 2, 32)
        self.decoder = Half(16, 2, 3)
        self.conv1 = CausalConv3d(32, 32, 1)
        self.conv2 = CausalConv3d(16, 16, 1)


class SlotCounting(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.vae = TinyVae().eval()

    def test_counts_only_the_cached_convolutions(self):
        every = sum(isinstance(m, CausalConv3d) for m in self.vae.decoder.modules())
        self.assertEqual(every, 7)  # conv1, 2 + 2 residual convs, 1 shortcut, head
        self.assertEqual(cached_conv_slots(self.vae.decoder), 6)
        self.assertEqual(cached_conv_slots(self.vae.encoder), 6)

    def test_steady_state_shapes_agree_with_an_eager_run(self):
        z = torch.randn(1, 16, 1, 2, 2)
        with torch.no_grad():
            shapes = steady_state_shapes(self.vae, "decoder", z, z)
        self.assertEqual(len(shapes), 6)
        self.assertEqual(shapes[0], (1, 16, 2, 2, 2))

    def test_a_miscount_aborts_with_a_sentence(self):
        class Odd(ResidualBlock):
            pass

        self.vae.decoder.blocks[0].__class__ = Odd  # its shortcut is no longer recognised: 7 counted, 6 used
        z = torch.randn(1, 16, 1, 2, 2)
        with self.assertRaises(SystemExit) as e, torch.no_grad():
            steady_state_shapes(self.vae, "decoder", z, z)
        self.assertIn("used 6 cache slots, 7 were counted", str(e.exception))

    def test_streamed_decode_matches_one_pass_over_the_whole_video(self):
        z = torch.randn(1, 16, 1, 2, 2)
        with torch.no_grad():
            shapes = steady_state_shapes(self.vae, "decoder", z, z)
            latents = torch.randn(1, 3, 16, 2, 2)
            first, steady = WanVaeStep(self.vae, "decoder", True, shapes), WanVaeStep(self.vae, "decoder", False, shapes)
            out, *state = first(latents[:, :1])
            frames = [out]
            for i in (1, 2):
                out, *state = steady(latents[:, i : i + 1], *state)
                frames.append(out)
            streamed = torch.cat(frames, dim=1)
            # The same causal stack over all three frames at once, in the VAE's own scale.
            mean = torch.tensor(WAN_MEAN).view(1, -1, 1, 1, 1)
            std = torch.tensor(WAN_STD).view(1, -1, 1, 1, 1)
            whole = latents.permute(0, 2, 1, 3, 4) * std + mean
            idx, cache = [0], [None] * len(shapes)
            ref = self.vae.decoder(self.vae.conv2(whole), feat_cache=cache, feat_idx=idx).clamp(-1, 1)
        self.assertLess(float((streamed - ref.permute(0, 2, 1, 3, 4)).abs().max()), 1e-5)

    def test_the_encoder_gives_raw_mu_unless_asked_to_normalise(self):
        px = torch.rand(1, 4, 3, 2, 2) * 2 - 1
        px1 = px[:, :1].permute(0, 2, 1, 3, 4)
        with torch.no_grad():
            shapes = steady_state_shapes(self.vae, "encoder", px.permute(0, 2, 1, 3, 4), px1)
            raw = WanVaeStep(self.vae, "encoder", True, shapes)(px[:, :1])[0]
            normed = WanVaeStep(self.vae, "encoder", True, shapes, normalise_encoder=True)(px[:, :1])[0]
            mu = self.vae.conv1(self.vae.encoder(px1, feat_cache=[None] * 6, feat_idx=[0])).chunk(2, dim=1)[0]
        self.assertTrue(torch.allclose(raw, mu.permute(0, 2, 1, 3, 4)))
        mean = torch.tensor(WAN_MEAN).view(1, 1, -1, 1, 1)
        std = torch.tensor(WAN_STD).view(1, 1, -1, 1, 1)
        self.assertTrue(torch.allclose(normed, (raw - mean) / std, atol=1e-6))


class FlowAndX0(unittest.TestCase):
    """A tiny 'DiT' whose flow the ONNX block would output, wrapped as each upstream wrapper returns it."""

    def setUp(self):
        rng = np.random.default_rng(0)
        self.x = rng.standard_normal((1, 1, 16, 4, 4))
        self.flow = rng.standard_normal((1, 1, 16, 4, 4))
        self.sigmas, self.timesteps = prediction.sigma_table(8.0)

    def sdv2_x0(self, t):
        # StreamDiffusionV2's wrapper: x0 in float64 with its own table's sigma, then back to the model dtype.
        sigma = prediction.sigma_at(t, self.sigmas, self.timesteps)
        x0 = self.x - sigma * self.flow
        return torch.tensor(x0).to(torch.bfloat16).float().numpy(), sigma

    def test_the_table(self):
        self.assertAlmostEqual(prediction.sigma_at(1000, self.sigmas, self.timesteps), 1.0)
        # shift 8 at t = 700: the nearest entry of 1000*8s/(1+7s)
        s = np.linspace(1, 0, 1001)[:-1]
        table = 8 * s / (1 + 7 * s)
        self.assertAlmostEqual(prediction.sigma_at(700, self.sigmas, self.timesteps), table[np.argmin(np.abs(table * 1000 - 700))])
        self.assertAlmostEqual(prediction.sigma_at(0, self.sigmas, self.timesteps), 8 * 0.001 / (1 + 7 * 0.001))

    def test_x0_output_is_converted_before_comparing(self):
        x0, sigma = self.sdv2_x0(700)
        result = prediction.compare(self.flow, x0, "x0", self.x, sigma)
        self.assertTrue(result["ok"], result)
        self.assertLess(result["flow"], 0.02)
        # Compared as if it were flow, the same correct block would fail by the size of the latents.
        self.assertGreater(prediction.relative_error(self.flow, x0), 0.5)

    def test_a_wrong_flow_still_fails(self):
        x0, sigma = self.sdv2_x0(500)
        result = prediction.compare(self.flow * 1.2, x0, "x0", self.x, sigma)
        self.assertFalse(result["ok"])
        self.assertAlmostEqual(result["flow"], 0.2, delta=0.02)

    def test_near_t0_only_x0_is_compared(self):
        x0, sigma = self.sdv2_x0(0)
        result = prediction.compare(self.flow, x0, "x0", self.x, sigma)
        self.assertNotIn("flow", result)
        self.assertTrue(result["ok"], result)

    def test_longlive_gives_flow_and_x0(self):
        sigma = 0.9375
        out = (self.flow, self.x - sigma * self.flow)
        result = prediction.compare(self.flow, out, "flow-and-x0", self.x, sigma)
        self.assertEqual(result["flow"], 0.0)
        self.assertTrue(result["ok"])
        with self.assertRaises(ValueError):
            prediction.upstream_prediction(out, "logits", self.x, sigma)


if __name__ == "__main__":
    unittest.main()
