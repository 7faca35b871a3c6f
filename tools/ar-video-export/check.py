"""One block of the exported ONNX against the upstream PyTorch model, through the upstream generator wrapper with
its own KV cache: a first block against an empty cache, then a second block that attends to the first's K/V."""

import numpy as np
import torch


def _kv_dicts(up, tokens: int, dtype, device):
    m = up.model
    heads, d = m.num_heads, m.dim // m.num_heads
    kv, cross = [], []
    for _ in m.blocks:
        kv.append(
            {
                "k": torch.zeros(1, up.window_frames * tokens, heads, d, dtype=dtype, device=device),
                "v": torch.zeros(1, up.window_frames * tokens, heads, d, dtype=dtype, device=device),
                "global_end_index": torch.zeros(1, dtype=torch.long, device=device),
                "local_end_index": torch.zeros(1, dtype=torch.long, device=device),
                "global_sink": True,
                "total_steps": 1,
                "current_step": 1,
            }
        )
        cross.append(
            {
                "k": torch.zeros(1, 512, heads, d, dtype=dtype, device=device),
                "v": torch.zeros(1, 512, heads, d, dtype=dtype, device=device),
                "is_init": False,
            }
        )
    return kv, cross


def _upstream_flow(up, x, t, ctx, kv, cross, start_tokens, tokens):
    frames = x.shape[1]
    kwargs = dict(
        noisy_image_or_video=x,
        conditional_dict={"prompt_embeds": ctx},
        timestep=torch.full((1, frames), float(t), device=x.device),
        kv_cache=kv,
        crossattn_cache=cross,
    )
    try:
        out = up.pipeline.generator(**kwargs, current_start=start_tokens)
    except TypeError:
        # StreamDiffusionV2's wrapper takes per-sample start and end tensors.
        s = torch.tensor([start_tokens], device=x.device)
        out = up.pipeline.generator(**kwargs, current_start=s, current_end=s + frames * tokens)
    return (out[0] if isinstance(out, tuple) else out).float()


def check_block(up, block_path: str, config: dict, providers, dtype) -> bool:
    import onnxruntime as ort

    device = next(up.model.parameters()).device
    lat = config["latent"]
    tokens = config["tokensPerFrame"]
    frames = config["cache"]["blockFrames"]
    slots = config["cache"]["windowFrames"] - frames
    layers = config["layers"]
    heads, hd = config["heads"], config["headDim"]
    np_type = np.float16 if config["dtype"] == "float16" else np.float32
    torch.manual_seed(0)
    ctx = torch.randn(1, 512, 4096, device=device, dtype=dtype) * 0.1
    t = 937.5 if up.warp else float(up.steps[0])
    session = ort.InferenceSession(block_path, providers=providers)
    kv, cross = _kv_dicts(up, tokens, dtype, device)
    cache_k = [np.zeros((1, slots, tokens, heads, hd), np_type) for _ in range(layers)]
    cache_v = [np.zeros((1, slots, tokens, heads, hd), np_type) for _ in range(layers)]
    bias = np.full((slots,), -30000.0, np.float32)
    ok = True
    for block in range(2):
        x = torch.randn(1, frames, lat["channels"], lat["height"], lat["width"], device=device, dtype=dtype)
        with torch.no_grad():
            ref = _upstream_flow(up, x, t, ctx, kv, cross, block * frames * tokens, tokens).cpu().numpy()
        feeds = {
            "latents": x.float().cpu().numpy().astype(np_type),
            "timesteps": np.full((1, frames), t, np.float32),
            "context": ctx.float().cpu().numpy().astype(np_type),
            "frame_positions": np.arange(block * frames, (block + 1) * frames, dtype=np.float32),
            "cache_bias": bias,
        }
        for i in range(layers):
            feeds[f"cache_k.{i}"], feeds[f"cache_v.{i}"] = cache_k[i], cache_v[i]
        out = session.run(None, feeds)
        flow = out[0].astype(np.float32)
        rel = float(np.sqrt(np.mean((flow - ref) ** 2)) / (np.sqrt(np.mean(ref**2)) + 1e-12))
        worst = float(np.max(np.abs(flow - ref)))
        finite = bool(np.isfinite(flow).all())
        passed = finite and rel < 0.05
        ok = ok and passed
        print(f"  block {block}: relative RMS error {rel:.4f}, max abs error {worst:.4f}, finite {finite} -> {'ok' if passed else 'FAILED'}")
        # The host's cache policy for the next block: this block's frames go to the first free slots.
        for i in range(layers):
            cache_k[i][:, block * frames : (block + 1) * frames] = out[1 + 2 * i]
            cache_v[i][:, block * frames : (block + 1) * frames] = out[2 + 2 * i]
        bias[block * frames : (block + 1) * frames] = 0.0
    return ok
