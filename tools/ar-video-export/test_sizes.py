"""Tests of `--sizes` (sizes.py): one folder per size with that size's static shapes, the text encoder written once
and hard-linked, sizes the latent grid cannot hold refused with a sentence. The model and the upstream wrapper are
stand-ins with the attributes export.py reads; the VAE is test_export_logic.py's tiny causal VAE."""

import json
import os
import sys
import tempfile
import unittest
from types import SimpleNamespace

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_export_logic as logic  # noqa: E402  (as a module: its test cases are not collected twice)
from sizes import SHARED, block_example, contract_config, export_sizes, parse_sizes  # noqa: E402
from streaming_vae import steady_state_shapes  # noqa: E402

MODEL = SimpleNamespace(num_heads=2, dim=8, in_dim=16, blocks=[None, None], text_len=4, text_dim=8)
UP = SimpleNamespace(
    name="standin", commit="0000000", sink_frames=3, window_frames=12, block_frames=3, shift=5.0, warp=True, steps=[1000, 750]
)
ARGS = SimpleNamespace(repo="upstream", config="standin.yaml", dtype="float32")


class ParseSizes(unittest.TestCase):
    def test_squares_and_rectangles(self):
        self.assertEqual(parse_sizes("384,448,512", 832, 480), [(384, 384), (448, 448), (512, 512)])
        self.assertEqual(parse_sizes(" 512x384 , 384,384x384", 832, 480), [(512, 384), (384, 384)])

    def test_no_sizes_is_the_one_size_of_height_and_width(self):
        self.assertEqual(parse_sizes("", 832, 480), [(832, 480)])

    def test_what_the_latent_grid_cannot_hold_is_refused_with_a_sentence(self):
        for text in ("392", "512x392", "0"):
            with self.assertRaises(SystemExit) as e:
                parse_sizes(text, 832, 480)
            self.assertIn("multiples of 16", str(e.exception))
        with self.assertRaises(SystemExit) as e:
            parse_sizes("big", 832, 480)
        self.assertIn("'big' is not a size", str(e.exception))
        with self.assertRaises(SystemExit):
            parse_sizes("", 840, 480)


class ExportSizes(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.vae = logic.TinyVae().eval()
        self.tmp = tempfile.TemporaryDirectory()
        self.out = self.tmp.name
        self.shared_writes = []

    def tearDown(self):
        self.tmp.cleanup()

    def write_shared(self, folder):
        self.shared_writes.append(folder)
        for name in SHARED:
            with open(os.path.join(folder, name), "w") as fh:
                fh.write(name)
        return {"textEncoder": "text_encoder.onnx", "tokenizer": "tokenizer.json"}

    def write_size(self, folder, width, height, entries):
        """What export_size writes, on the stand-ins: contract.json and the static shapes of the block and VAE."""
        h, w = height // 8, width // 8
        config = {**contract_config(UP, ARGS, MODEL, width, height), **entries}
        args = block_example(MODEL, UP.block_frames, UP.window_frames - UP.block_frames, h, w, "cpu", torch.float32)
        z = torch.randn(1, 16, 1, h, w)
        with torch.no_grad():
            states = steady_state_shapes(self.vae, "decoder", z, z)
        config["shapes"] = {"latents": list(args[0].shape), "cache": list(args[5].shape), "vaeState0": list(states[0])}
        with open(os.path.join(folder, "contract.json"), "w") as fh:
            json.dump(config, fh)

    def read(self, folder):
        with open(os.path.join(folder, "contract.json")) as fh:
            return json.load(fh)

    def test_one_folder_per_size_with_that_sizes_static_shapes(self):
        folders = export_sizes(self.out, parse_sizes("384,448,512", 832, 480), True, self.write_size, self.write_shared)
        self.assertEqual([os.path.basename(f) for f in folders], ["384x384", "448x448", "512x512"])
        for folder, size in zip(folders, (384, 448, 512)):
            c = self.read(folder)
            lat = size // 8
            self.assertEqual((c["width"], c["height"]), (size, size))
            self.assertEqual(c["latent"], {"channels": 16, "height": lat, "width": lat})
            self.assertEqual(c["tokensPerFrame"], (lat // 2) ** 2)
            self.assertEqual(c["shapes"]["latents"], [1, 3, 16, lat, lat])
            self.assertEqual(c["shapes"]["cache"], [1, 9, (lat // 2) ** 2, 2, 4])
            self.assertEqual(c["shapes"]["vaeState0"], [1, 16, 2, lat, lat])
            self.assertEqual(c["textEncoder"], "text_encoder.onnx")

    def test_the_text_encoder_is_written_once_and_hard_linked(self):
        folders = export_sizes(self.out, [(384, 384), (512, 384)], True, self.write_size, self.write_shared)
        self.assertEqual(self.shared_writes, [folders[0]])
        for name in SHARED:
            first = os.stat(os.path.join(folders[0], name))
            other = os.stat(os.path.join(folders[1], name))
            self.assertEqual((first.st_ino, first.st_dev), (other.st_ino, other.st_dev))
            self.assertEqual(first.st_nlink, 2)
        self.assertEqual(self.read(folders[1])["latent"], {"channels": 16, "height": 48, "width": 64})

    def test_without_sizes_the_one_size_goes_into_out_itself(self):
        folders = export_sizes(self.out, parse_sizes("", 832, 480), False, self.write_size, self.write_shared)
        self.assertEqual(folders, [self.out])
        self.assertEqual(self.read(self.out)["latent"]["height"], 60)
        self.assertFalse(any(os.path.isdir(os.path.join(self.out, n)) for n in os.listdir(self.out)))

    def test_skipping_the_text_encoder_links_nothing(self):
        folders = export_sizes(self.out, [(384, 384), (448, 448)], True, self.write_size)
        for folder in folders:
            self.assertEqual(sorted(os.listdir(folder)), ["contract.json"])
            self.assertNotIn("textEncoder", self.read(folder))


if __name__ == "__main__":
    unittest.main()
