#!/usr/bin/env python3
"""Writes an ar-video export (docs/ar-video-block-contract.md) from the LongLive or StreamDiffusionV2 checkpoints:
contract.json, block.onnx (+ .data), text_encoder.onnx (+ .data), tokenizer.json, vae_decoder(_first).onnx,
tae_decoder.onnx and, for StreamDiffusionV2, vae_encoder(_first).onnx; then checks the block and the streamed VAE against
the upstream PyTorch model. Runs on a machine with an NVIDIA GPU and the upstream code and weights; see README.md.
"""

import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from contract_block import ContractBlock, block_io_names  # noqa: E402
from onnx_io import export  # noqa: E402
from sizes import block_example, contract_config, export_sizes, parse_sizes  # noqa: E402
from streaming_vae import TaehvDecoderStep, WanVaeStep, steady_state_shapes, taehv_state_shapes  # noqa: E402
from text import TextEncoderStep, find_text_encoder, save_tokenizer  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", choices=["longlive", "streamdiffusionv2"])
    p.add_argument("--repo", required=True, help="checkout of the upstream code (LongLive at v1.0, StreamDiffusionV2)")
    p.add_argument("--config", required=True, help="upstream inference config, e.g. configs/longlive_inference.yaml")
    p.add_argument("--checkpoint", help="StreamDiffusionV2: folder holding model.pt (LongLive reads its config)")
    p.add_argument("--taehv", help="path to taew2_1.pth and a checkout of madebyollin/taehv on PYTHONPATH (tiny VAE)")
    p.add_argument("--out", required=True, help="output folder, e.g. ~/.daydream-scope/models/exports/longlive-1.3b")
    p.add_argument("--height", type=int, default=480, help="the one size written into --out when --sizes is left out")
    p.add_argument("--width", type=int, default=832)
    p.add_argument(
        "--sizes",
        default="",
        help="static sizes, one folder each (<out>/<W>x<H>, text encoder hard-linked): 384,448,512 or 512x384",
    )
    p.add_argument(
        "--dtype",
        choices=["float16", "float32"],
        default="float16",
        help="block and VAE graphs; upstream runs bfloat16, which onnxruntime's providers lack: float16 by default, "
        "float32 where the check shows float16 drifting (twice the size)",
    )
    p.add_argument("--providers", nargs="*", default=["CUDAExecutionProvider", "CPUExecutionProvider"], help="onnxruntime providers for the check")
    p.add_argument("--text-dtype", choices=["float16", "float32"], default="float32", help="umT5 overflows in float16")
    p.add_argument("--skip", nargs="*", default=[], choices=["text", "vae", "tae", "check"])
    return p.parse_args()


def main():
    a = parse_args()
    sizes = parse_sizes(a.sizes, a.width, a.height)  # refuses what the latent grid cannot hold, before loading
    device = "cuda" if torch.cuda.is_available() else "cpu"
    out = os.path.abspath(os.path.expanduser(a.out))
    os.makedirs(out, exist_ok=True)
    import upstream

    if a.model == "longlive":
        up = upstream.load_longlive(a.repo, a.config, device)
    else:
        if not a.checkpoint:
            raise SystemExit("streamdiffusionv2 needs --checkpoint (the folder with model.pt)")
        up = upstream.load_streamdiffusionv2(a.repo, a.config, a.checkpoint, device)
    dtype = torch.float16 if a.dtype == "float16" else torch.float32
    up.model = up.model.eval().to(device=device, dtype=dtype)

    def write_shared(folder):
        return export_text(up, a, folder, device, dtype)

    def write_size(folder, width, height, entries):
        export_size(up, a, folder, device, dtype, width, height, entries)

    export_sizes(out, sizes, bool(a.sizes), write_size, None if "text" in a.skip else write_shared)
    print("done")


def export_text(up, a, out, device, dtype):
    print("text_encoder.onnx, tokenizer.json")
    model = up.model
    encoder, tokenizer = find_text_encoder(up.pipeline)
    tdtype = torch.float16 if a.text_dtype == "float16" else torch.float32
    step = TextEncoderStep(encoder.to(device=device, dtype=tdtype).eval(), dtype)
    ids = torch.ones(1, model.text_len, dtype=torch.long, device=device)
    with torch.no_grad():
        export(step, [ids, ids.clone()], os.path.join(out, "text_encoder.onnx"), ["input_ids", "attention_mask"], ["context"])
    save_tokenizer(tokenizer, out)
    return {"textEncoder": "text_encoder.onnx", "tokenizer": "tokenizer.json"}


def export_size(up, a, out, device, dtype, width, height, entries):
    """Block, VAE halves and contract.json at one image size, then the check of that size."""
    model = up.model = up.model.to(dtype=dtype)  # the previous size's check left it in bfloat16
    h, w = height // 8, width // 8
    config = {**contract_config(up, a, model, width, height), **entries}
    slots = up.window_frames - up.block_frames

    print(f"block.onnx ({width}x{height})")
    block = ContractBlock(model, (h, w), slots).eval()
    ins, outs = block_io_names(len(model.blocks))
    dyn = {"latents": {1: "frames"}, "timesteps": {1: "frames"}, "frame_positions": {0: "frames"}, "flow": {1: "frames"}}
    dyn.update({n: {1: "frames"} for n in outs if n.startswith("new_")})
    with torch.no_grad():
        export(block, block_example(model, up.block_frames, slots, h, w, device, dtype), os.path.join(out, "block.onnx"), ins, outs, dyn)

    if "vae" not in a.skip:
        export_wan_vae(up, config, out, device, dtype, h, w, encoder=a.model == "streamdiffusionv2")
    if "tae" not in a.skip and a.taehv:
        export_taehv(a.taehv, config, out, device, dtype, h, w)

    with open(os.path.join(out, "contract.json"), "w") as fh:
        json.dump(config, fh, indent=2)
    print(f"contract.json -> {out}")

    if "check" not in a.skip:
        from check import check_block, check_vae

        print("checking the ONNX block against the upstream model (bfloat16, as upstream runs it)")
        up.model = up.model.to(dtype=torch.bfloat16)
        ok = check_block(up, os.path.join(out, "block.onnx"), config, a.providers, torch.bfloat16)
        if "vae" not in a.skip:
            print("checking the streamed VAE against upstream's own decode")
            ok = check_vae(up, out, config, a.providers, encoder=a.model == "streamdiffusionv2") and ok
        if not ok:
            raise SystemExit(f"the ONNX graphs at {width}x{height} do not match the PyTorch model (see above)")


def export_wan_vae(up, config, out, device, dtype, h, w, encoder: bool):
    vae = up.pipeline.vae.model.to(device=device, dtype=dtype).eval()
    z1 = torch.randn(1, 16, 1, h, w, device=device, dtype=dtype)
    with torch.no_grad():
        shapes = steady_state_shapes(vae, "decoder", z1, z1)
    names = [f"state_out.{i}" for i in range(len(shapes))]
    state = [torch.zeros(s, device=device, dtype=dtype) for s in shapes]
    lat = torch.randn(1, 1, 16, h, w, device=device, dtype=dtype)
    print("vae_decoder_first.onnx, vae_decoder.onnx")
    with torch.no_grad():
        export(WanVaeStep(vae, "decoder", True, shapes), [lat], os.path.join(out, "vae_decoder_first.onnx"), ["latents"], ["frames", *names])
        export(WanVaeStep(vae, "decoder", False, shapes), [lat, *state], os.path.join(out, "vae_decoder.onnx"), ["latents", *[n.replace("out", "in") for n in names]], ["frames", *names])
    config["vae"]["decoders"]["full"] = {"file": "vae_decoder.onnx", "first": "vae_decoder_first.onnx", "trim": 0}
    if not encoder:
        return
    px1 = torch.randn(1, 3, 1, h * 8, w * 8, device=device, dtype=dtype)
    px4 = torch.randn(1, 3, 4, h * 8, w * 8, device=device, dtype=dtype)
    with torch.no_grad():
        shapes = steady_state_shapes(vae, "encoder", px4, px1)
    names = [f"state_out.{i}" for i in range(len(shapes))]
    state = [torch.zeros(s, device=device, dtype=dtype) for s in shapes]
    print("vae_encoder_first.onnx, vae_encoder.onnx")
    with torch.no_grad():
        export(WanVaeStep(vae, "encoder", True, shapes), [px1.permute(0, 2, 1, 3, 4)], os.path.join(out, "vae_encoder_first.onnx"), ["frames"], ["latents", *names])
        export(WanVaeStep(vae, "encoder", False, shapes), [px4.permute(0, 2, 1, 3, 4), *state], os.path.join(out, "vae_encoder.onnx"), ["frames", *[n.replace("out", "in") for n in names]], ["latents", *names])
    config["vae"]["encoder"] = {"file": "vae_encoder.onnx", "first": "vae_encoder_first.onnx"}


def export_taehv(path, config, out, device, dtype, h, w):
    from taehv import TAEHV  # type: ignore

    tae = TAEHV(checkpoint_path=path).to(device=device, dtype=dtype).eval()
    shapes = taehv_state_shapes(tae.float().cpu(), h, w)
    tae = tae.to(device=device, dtype=dtype)
    names = [f"state_out.{i}" for i in range(len(shapes))]
    state = [torch.zeros(s, device=device, dtype=dtype) for s in shapes]
    lat = torch.randn(1, 3, 16, h, w, device=device, dtype=dtype)
    print("tae_decoder.onnx")
    dyn = {"latents": {1: "frames"}, "frames": {1: "pixel_frames"}}
    with torch.no_grad():
        export(TaehvDecoderStep(tae), [lat, *state], os.path.join(out, "tae_decoder.onnx"), ["latents", *[n.replace("out", "in") for n in names]], ["frames", *names], dyn)
    config["vae"]["decoders"]["tiny"] = {"file": "tae_decoder.onnx", "trim": tae.frames_to_trim}


if __name__ == "__main__":
    main()
