"""`--sizes`: one export folder per image size, each with static spatial dimensions (docs/ar-video.md).

The Wan VAE maps 8x8 pixels to one latent and the DiT patches 2x2 latents into one token, so a size must be a
multiple of 16 on both sides. The text encoder has no spatial size: it is written once and hard-linked into the
other folders (a second copy of umT5 would be 22.7 GB)."""

import os

import torch

FORMAT = "daydream-scope/ar-video@1"

STEP = 16  # the VAE's spatial factor 8 times the DiT's patch size 2

# The files that do not depend on the size (text.py writes them).
SHARED = ("text_encoder.onnx", "text_encoder.onnx.data", "tokenizer.json")


def check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0 or width % STEP or height % STEP:
        raise SystemExit(
            f"{width}x{height} cannot be exported: width and height must be positive multiples of {STEP} "
            "(the VAE's factor 8 times the DiT's patch 2)"
        )


def parse_sizes(text: str, width: int, height: int):
    """"384,448,512x384" -> [(384, 384), (448, 448), (512, 384)] (width, height); empty -> [(width, height)]."""
    sizes = []
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        try:
            w, h = (int(v) for v in part.split("x")) if "x" in part else (int(part), int(part))
        except ValueError:
            raise SystemExit(f"--sizes: {part!r} is not a size (write 384 or 512x384)") from None
        check_size(w, h)
        if (w, h) not in sizes:
            sizes.append((w, h))
    if not sizes:
        check_size(width, height)
        sizes.append((width, height))
    return sizes


def size_folder(out: str, width: int, height: int) -> str:
    """`<out>/<W>x<H>`, the folder the pipelines look in for a loaded size."""
    return os.path.join(out, f"{width}x{height}")


def export_sizes(out, sizes, per_size, write_size, write_shared=None):
    """Calls `write_shared(folder)` once (into the first size's folder; it returns the contract.json entries of what
    it wrote), hard-links those files into every other folder, then `write_size(folder, width, height, entries)` for
    each size. Without `per_size` the single size is written into `out` itself, as before `--sizes`. Returns the
    folders in order."""
    if not per_size and len(sizes) != 1:
        raise ValueError("several sizes need per-size folders")
    folders = [size_folder(out, w, h) if per_size else out for w, h in sizes]
    entries = {}
    for i, ((w, h), folder) in enumerate(zip(sizes, folders)):
        os.makedirs(folder, exist_ok=True)
        if write_shared is not None:
            if i == 0:
                entries = write_shared(folder) or {}
            else:
                link_shared(folders[0], folder)
        write_size(folder, w, h, dict(entries))
    return folders


def link_shared(source: str, target: str) -> None:
    """Hard links (a copy where the file system refuses them) of the shared files, replacing stale ones."""
    import shutil

    for name in SHARED:
        src, dst = os.path.join(source, name), os.path.join(target, name)
        if not os.path.exists(src):
            continue
        if os.path.lexists(dst):
            os.remove(dst)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)


def contract_config(up, a, model, width, height):
    """contract.json of one size: the latent grid and the block's tokens follow the image size."""
    h, w = height // 8, width // 8
    heads = model.num_heads
    return {
        "format": FORMAT,
        "model": up.name,
        "source": f"{a.repo} @ {up.commit}, config {a.config}",
        "width": width,
        "height": height,
        "latent": {"channels": model.in_dim, "height": h, "width": w},
        "tokensPerFrame": (h // 2) * (w // 2),
        "layers": len(model.blocks),
        "heads": heads,
        "headDim": model.dim // heads,
        "text": {"length": model.text_len, "dim": model.text_dim},
        "dtype": a.dtype,
        "cache": {"sinkFrames": up.sink_frames, "windowFrames": up.window_frames, "blockFrames": up.block_frames},
        "schedule": {"shift": up.shift, "warp": up.warp, "steps": up.steps},
        "framesPerLatent": 4,
        "vae": {"decoders": {}},
    }


def block_example(model, block_frames, slots, h, w, device, dtype):
    """The block's example inputs at one latent size; only the frame axis stays dynamic."""
    heads, hd, tokens = model.num_heads, model.dim // model.num_heads, (h // 2) * (w // 2)
    args = [
        torch.randn(1, block_frames, model.in_dim, h, w, device=device, dtype=dtype),
        torch.full((1, block_frames), 500.0, device=device),
        torch.randn(1, model.text_len, model.text_dim, device=device, dtype=dtype),
        torch.arange(block_frames, dtype=torch.float32, device=device),
        torch.zeros(slots, device=device),
    ]
    for _ in range(len(model.blocks)):
        args += [torch.zeros(1, slots, tokens, heads, hd, device=device, dtype=dtype)] * 2
    return args
