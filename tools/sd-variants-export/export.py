"""Writes one variant of SD-Turbo, SDXL-Turbo or SDXS-512 as the ONNX files daydream-scope opens, from the
diffusers weights on the Hub: `webgpu` (plain operators, float16 inside, float32 at the edges) or `olive-cuda`
(float16, with onnxruntime's transformer-optimizer fusions for the CUDA provider). `--sizes 384,448,512` writes one
folder per size with static spatial dimensions. See README.md; not run on this project's machines.

    python export.py --model stabilityai/sd-turbo --variant webgpu --out ~/.daydream-scope/models/me/sd-turbo-webgpu
    python export.py --model IDKiro/sdxs-512-0.9 --variant webgpu --sizes 384,448,512 \
        --out ~/.daydream-scope/models/exports/sdxs-512
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from contract import (  # noqa: E402
    CONTROLNETS,
    MODEL_TYPES,
    NETWORKS,
    VARIANTS,
    check_signature,
    fusion_options,
    io_spec,
    static_sizes,
)

TWO_GB = 2**31 - 1


def load_pipeline(model_id, device):
    import torch
    from diffusers import AutoPipelineForText2Image

    pipe = AutoPipelineForText2Image.from_pretrained(model_id, torch_dtype=torch.float32)
    return pipe.to(device)


def example_inputs(network, variant, hidden, xl, projection, device, size=None):
    """Inputs of the contract's types for tracing: small where shapes stay free through dynamic_axes, the real
    spatial size where `size` fixes it."""
    import torch

    from wrappers import DTYPES

    inputs, _ = io_spec(network, variant, xl, projection, size)
    on_latents = network in ("unet", "controlnet", "unet_controlnet")
    latent = {"height": 8, "width": 8} if on_latents else {"height": 64, "width": 64}
    levels = {f"latent_{side}_{level}": 8 >> level for side in ("height", "width") for level in range(4)}
    sizes = {"batch": 1, "batch_size": 1, "num_channels": 4, "num_channels_latent": 4, "height_latent": 8,
             "width_latent": 8, "sequence_length": 77, "hidden": hidden, "image_height": 64, "image_width": 64,
             **levels, **latent}
    out = []
    for name, dtype, dims in inputs:
        shape = [d if isinstance(d, int) else sizes[d] for d in dims]
        if dtype in ("int32", "int64"):
            high = 999 if name == "timestep" else 49407
            out.append(torch.randint(0, high, shape, dtype=getattr(torch, dtype), device=device))
        else:
            out.append(torch.randn(shape, dtype=DTYPES[dtype], device=device))
    return out


def jobs(pipe, variant, networks, xl, controlnets=(), device="cuda"):
    """(folder, network, module, xl, projection) for every file to write; `controlnets` adds the ControlNet UNet
    and a controlnet_<name> per name (read from CONTROLNETS' diffusers weights)."""
    from wrappers import ControlNetIO, TextIO, UnetControlIO, UnetIO, VaeDecoderIO, VaeEncoderIO

    io = "float32" if variant == "webgpu" else "float16"
    made = {
        "unet": lambda: [("unet", "unet", UnetIO(pipe.unet, "float16", io, xl), xl, False)],
        "vae_decoder": lambda: [("vae_decoder", "vae_decoder", VaeDecoderIO(pipe.vae, "float16", io), False, False)],
        "vae_encoder": lambda: [("vae_encoder", "vae_encoder", VaeEncoderIO(pipe.vae, "float16", io), False, False)],
        "text_encoder": lambda: [("text_encoder", "text_encoder", TextIO(pipe.text_encoder, io, xl), xl, False)]
        + ([("text_encoder_2", "text_encoder", TextIO(pipe.text_encoder_2, io, True, True), True, True)] if xl else []),
    }
    out = [job for n in networks for job in made[n]()]
    if controlnets:
        import torch
        from diffusers import ControlNetModel

        out.append(("unet_controlnet", "unet_controlnet", UnetControlIO(pipe.unet, "float16", io), False, False))
        for name in controlnets:
            net = ControlNetModel.from_pretrained(CONTROLNETS[name], torch_dtype=torch.float16).to(device)
            out.append((f"controlnet_{name}", "controlnet", ControlNetIO(net, "float16", io), False, False))
    return out


def save(model, path):
    """One file, or model.onnx + model.onnx.data when the weights pass protobuf's 2 GB (as the Olive SDXL files)."""
    import onnx

    try:
        big = model.ByteSize() > TWO_GB
    except ValueError:  # protobuf refuses to size a message past 2 GB
        big = True
    onnx.save(model, str(path), save_as_external_data=big, all_tensors_to_one_file=True,
              location=f"{path.name}.data")


def optimize(path, network):
    """onnxruntime's transformer optimizer with the Olive-CUDA fusions, then float16 throughout."""
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions(MODEL_TYPES[network])
    for key, value in fusion_options("olive-cuda").items():
        setattr(options, key, value)
    m = optimize_model(str(path), model_type=MODEL_TYPES[network], num_heads=0, hidden_size=0,
                       opt_level=0, optimization_options=options, use_gpu=True)
    m.convert_float_to_float16(keep_io_types=False)
    return m.model


def declared(path):
    import onnx

    names = {1: "float32", 6: "int32", 7: "int64", 10: "float16"}
    graph = onnx.load(str(path), load_external_data=False).graph
    return {
        kind: {v.name: (names.get(v.type.tensor_type.elem_type, "?"), len(v.type.tensor_type.shape.dim))
               for v in values}
        for kind, values in (("input", graph.input), ("output", graph.output))
    }


def parse_sizes(text):
    """"384,448,512x384" -> [(384, 384), (448, 448), (512, 384)] (width x height); empty -> [None] (free sizes)."""
    sizes = []
    for item in [t.strip() for t in (text or "").split(",") if t.strip()]:
        w, _, h = item.lower().partition("x")
        width, height = int(w), int(h or w)
        static_sizes(width, height)  # refuses what is not a multiple of 8, with a sentence
        sizes.append((width, height))
    return sizes or [None]


def export(model_id, variant, out, device, networks, sizes=(None,), controlnets=()):
    """Every size into its own folder (`<out>/<W>x<H>/`; `<out>` itself when the sizes stay free). The text encoder
    has no spatial size: it is exported once and hard-linked into the other folders."""
    import torch

    pipe = load_pipeline(model_id, device)
    xl = hasattr(pipe, "text_encoder_2")
    # float16 weights in both variants (schmuell/sd-turbo-ort-web's text encoder is 681 MB: float16 weights too);
    # the wrappers cast the edges to the contract's types.
    for name in ["unet", "vae", "text_encoder"] + (["text_encoder_2"] if xl else []):
        getattr(pipe, name).to(torch.float16)
    if controlnets and xl:
        raise SystemExit("--controlnet exports the SD 2.1-family ControlNets; an SDXL model has none here")
    if controlnets and any(s is not None for s in sizes):
        raise SystemExit("--controlnet writes free-size files; leave out --sizes")
    first = None
    for size in sizes:
        folder_out = Path(out) if size is None else Path(out) / f"{size[0]}x{size[1]}"
        for folder in ["tokenizer"] + (["tokenizer_2"] if xl else []):
            getattr(pipe, folder).save_pretrained(folder_out / folder)
        export_folder(pipe, variant, folder_out, device, networks, xl, size, first, controlnets)
        first = first or folder_out


def export_folder(pipe, variant, out, device, networks, xl, size, linked_from, controlnets=()):
    import onnx
    import torch

    from wrappers import export_network

    hidden = pipe.unet.config.cross_attention_dim
    for folder, network, module, net_xl, projection in jobs(pipe, variant, networks, xl, controlnets, device):
        target = out / folder / "model.onnx"
        target.parent.mkdir(parents=True, exist_ok=True)
        if network == "text_encoder" and linked_from is not None:
            for name in ("model.onnx", "model.onnx.data"):
                source = linked_from / folder / name
                if source.exists() and not (target.parent / name).exists():
                    os.link(source, target.parent / name)
            continue
        raw = target.with_name("raw.onnx")
        with torch.no_grad():
            example = example_inputs(network, variant, hidden, net_xl, projection, device, size)
            export_network(module, network, variant, str(raw), example, xl=net_xl, projection=projection, size=size)
        model = optimize(raw, network) if variant == "olive-cuda" else onnx.load(str(raw))
        save(model, target)
        for leftover in raw.parent.iterdir():
            if leftover.name not in ("model.onnx", "model.onnx.data"):
                leftover.unlink()
        problems = check_signature(network, variant, declared(target), xl=net_xl, projection=projection, size=size)
        print(f"{target}: {'fits the contract' if not problems else '; '.join(problems)}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="stabilityai/sd-turbo", help="diffusers repository on the Hub")
    p.add_argument("--variant", choices=VARIANTS, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--device", default="cuda")
    p.add_argument("--networks", default=None,
                   help=f"comma-separated subset of {','.join(NETWORKS)} (default: all, none with --controlnet)")
    p.add_argument("--sizes", default="", help="static image sizes, one folder each: 384,448,512 or 512x384")
    p.add_argument("--controlnet", default="",
                   help=f"comma-separated ControlNets to export with the UNet that takes them: {','.join(CONTROLNETS)}")
    a = p.parse_args()
    controlnets = [n for n in a.controlnet.split(",") if n]
    unknown = [n for n in controlnets if n not in CONTROLNETS]
    if unknown:
        p.error(f"unknown ControlNet {', '.join(unknown)}; known: {', '.join(CONTROLNETS)}")
    networks = a.networks.split(",") if a.networks is not None else ([] if controlnets else list(NETWORKS))
    export(a.model, a.variant, a.out, a.device, [n for n in networks if n], parse_sizes(a.sizes), controlnets)


if __name__ == "__main__":
    main()
