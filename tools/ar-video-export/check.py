"""The exported ONNX graphs against the upstream PyTorch model (needs the upstream code, its weights and a GPU; it
has never been run on the machines this project is built on).

Block: a stream of blocks through the upstream generator wrapper with its own KV cache, and the ONNX block with the
host's cache policy (sinks, then a ring of the most recent frames; the K/V of the pass at t = 0 committed, as the
`clean` commit mode does). Each block is checked at its first denoising step and at t = 0, for enough blocks that
the cache rolls (the window fills and the oldest rolling frame is evicted), then 1-frame and multi-frame blocks
(6 frames, and a recache's size) against an empty cache. StreamDiffusionV2's wrapper returns x0, LongLive's flow and
x0: prediction.py converts before comparing.

VAE: the streamed ONNX decoder (first chunk, then steady chunks with the state carried) against upstream's own
one-pass decode of the same latents, and for StreamDiffusionV2 the streamed encoder against upstream's encode
without normalisation.

onnxruntime's Python package has no WebGPU provider: the providers checked here are those of --providers (CUDA,
CPU); bench/ar-video-providers.ts runs the export on WebGPU against CUDA (docs/ar-video.md).
"""

import math

import numpy as np
import torch

import prediction
from streaming_vae import WAN_MEAN, WAN_STD


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


def _upstream(up, x, t, ctx, kv, cross, start_frame, tokens):
    """One forward of the upstream wrapper; returns its output as float32 numpy (a tuple for LongLive)."""
    frames = x.shape[1]
    kwargs = dict(
        noisy_image_or_video=x,
        conditional_dict={"prompt_embeds": ctx},
        timestep=torch.full((1, frames), float(t), device=x.device),
        kv_cache=kv,
        crossattn_cache=cross,
    )
    start = start_frame * tokens
    if up.prediction == "x0":
        # StreamDiffusionV2's wrapper takes per-sample start and end tensors.
        s = torch.tensor([start], device=x.device)
        out = up.pipeline.generator(**kwargs, current_start=s, current_end=s + frames * tokens)
    else:
        out = up.pipeline.generator(**kwargs, current_start=start)
    as_np = lambda o: o.float().cpu().numpy()  # noqa: E731
    return tuple(as_np(o) for o in out[:2]) if isinstance(out, tuple) else as_np(out)


class HostCache:
    """The host's slots (pipelines/ar-video/cache-policy.ts): sinks first, then a ring of the newest frames."""

    def __init__(self, config, np_type):
        c = config["cache"]
        self.sinks, self.slots = c["sinkFrames"], c["windowFrames"] - c["blockFrames"]
        shape = (1, self.slots, config["tokensPerFrame"], config["heads"], config["headDim"])
        self.k = [np.zeros(shape, np_type) for _ in range(config["layers"])]
        self.v = [np.zeros(shape, np_type) for _ in range(config["layers"])]
        self.bias = np.full((self.slots,), -30000.0, np.float32)
        self.ring, self.filled_sinks = [], 0

    def feeds(self):
        out = {"cache_bias": self.bias}
        for i in range(len(self.k)):
            out[f"cache_k.{i}"], out[f"cache_v.{i}"] = self.k[i], self.v[i]
        return out

    def commit(self, outputs, frames: int):
        for f in range(frames):
            if self.filled_sinks < self.sinks:
                slot = self.filled_sinks
                self.filled_sinks += 1
            else:
                free = [s for s in range(self.sinks, self.slots) if self.bias[s] != 0 and s not in self.ring]
                slot = free[0] if free else self.ring.pop(0)
                self.ring.append(slot)
            for i in range(len(self.k)):
                self.k[i][:, slot] = outputs[1 + 2 * i][:, f]
                self.v[i][:, slot] = outputs[2 + 2 * i][:, f]
            self.bias[slot] = 0.0


def _tables(up):
    sched = getattr(up.pipeline.generator, "scheduler", None)
    if sched is not None and hasattr(sched, "sigmas"):
        return sched.sigmas.double().cpu().numpy(), sched.timesteps.double().cpu().numpy()
    return prediction.sigma_table(up.shift)


def _report(label, r):
    flow = f"flow {r['flow']:.4f} (max abs {r['max_abs']:.4f}), " if "flow" in r else ""
    print(f"  {label}: relative RMS error {flow}x0 {r['x0']:.4f}, finite {r['finite']} -> {'ok' if r['ok'] else 'FAILED'}")
    return r["ok"]


def check_block(up, block_path: str, config: dict, providers, dtype) -> bool:
    import onnxruntime as ort

    device = next(up.model.parameters()).device
    lat, tokens = config["latent"], config["tokensPerFrame"]
    frames = config["cache"]["blockFrames"]
    np_type = np.float16 if config["dtype"] == "float16" else np.float32
    sigmas, timesteps = _tables(up)
    torch.manual_seed(0)
    ctx = torch.randn(1, 512, 4096, device=device, dtype=dtype) * 0.1
    first_t = 1000 * sigmas[1000 - int(up.steps[0])] if up.warp else float(up.steps[0])
    session = ort.InferenceSession(block_path, providers=providers)
    print(f"  providers: {session.get_providers()}")

    def onnx(x, t, positions, cache):
        feeds = {
            "latents": x.float().cpu().numpy().astype(np_type),
            "timesteps": np.full((1, x.shape[1]), t, np.float32),
            "context": ctx.float().cpu().numpy().astype(np_type),
            "frame_positions": np.asarray(positions, np.float32),
            **cache.feeds(),
        }
        return session.run(None, feeds)

    def compare(label, out, ref, x, t):
        r = prediction.compare(out[0].astype(np.float32), ref, up.prediction, x.float().cpu().numpy(), prediction.sigma_at(t, sigmas, timesteps))
        return _report(label, r)

    ok = True
    # A stream long enough to roll: the window fills, then two more blocks evict the oldest rolling frames.
    kv, cross = _kv_dicts(up, tokens, dtype, device)
    cache = HostCache(config, np_type)
    blocks = math.ceil(config["cache"]["windowFrames"] / frames) + 2
    for b in range(blocks):
        positions = list(range(b * frames, (b + 1) * frames))
        x = torch.randn(1, frames, lat["channels"], lat["height"], lat["width"], device=device, dtype=dtype)
        for t in (first_t, 0.0):
            with torch.no_grad():
                ref = _upstream(up, x, t, ctx, kv, cross, positions[0], tokens)
            out = onnx(x, t, positions, cache)
            rolled = " (cache rolled)" if b * frames + frames > config["cache"]["windowFrames"] else ""
            ok = compare(f"block {b} at t = {t:g}{rolled}", out, ref, x, t) and ok
        cache.commit(out, frames)  # the t = 0 pass's K/V, as upstream's last forward left them

    # Block sizes the host also runs, each against an empty cache: 1 frame, 6 frames, a recache's frames.
    recache = config["cache"]["windowFrames"] - config["cache"]["sinkFrames"]
    for n in sorted({1, 6, recache}):
        kv, cross = _kv_dicts(up, tokens, dtype, device)
        x = torch.randn(1, n, lat["channels"], lat["height"], lat["width"], device=device, dtype=dtype)
        with torch.no_grad():
            ref = _upstream(up, x, first_t, ctx, kv, cross, 0, tokens)
        out = onnx(x, first_t, list(range(n)), HostCache(config, np_type))
        ok = compare(f"{n}-frame block at t = {first_t:g}", out, ref, x, first_t) and ok
    if not ok and config["dtype"] == "float16":
        print("  the float16 block drifts: export with --dtype float32 and check again")
    return ok


def check_vae(up, out_dir: str, config: dict, providers, encoder: bool) -> bool:
    """The streamed ONNX VAE halves against upstream's own one-pass decode (and encode) in float32."""
    import onnxruntime as ort

    vae = up.pipeline.vae.model.float()
    device = next(vae.parameters()).device
    lat = config["latent"]
    np_type = np.float16 if config["dtype"] == "float16" else np.float32
    mean, std = torch.tensor(WAN_MEAN, device=device), torch.tensor(WAN_STD, device=device)
    torch.manual_seed(1)
    z = torch.randn(1, 3, lat["channels"], lat["height"], lat["width"], device=device)
    with torch.no_grad():
        ref = vae.decode(z.permute(0, 2, 1, 3, 4), [mean, 1.0 / std]).clamp(-1, 1).permute(0, 2, 1, 3, 4).cpu().numpy()
    first = ort.InferenceSession(f"{out_dir}/vae_decoder_first.onnx", providers=providers)
    steady = ort.InferenceSession(f"{out_dir}/vae_decoder.onnx", providers=providers)
    zn = z.cpu().numpy().astype(np_type)
    outs = first.run(None, {"latents": zn[:, :1]})
    frames = [outs[0]]
    for i in (1, 2):
        names = [n.name for n in steady.get_inputs()[1:]]
        outs = steady.run(None, {"latents": zn[:, i : i + 1], **dict(zip(names, outs[1:]))})
        frames.append(outs[0])
    got = np.concatenate(frames, axis=1).astype(np.float32)
    r = prediction.relative_error(got, ref)
    ok = got.shape == ref.shape and r < 0.02
    print(f"  VAE decoder streamed over 3 latent frames {got.shape}: relative RMS error {r:.4f} -> {'ok' if ok else 'FAILED'}")
    if not encoder:
        return ok
    video = torch.rand(1, 3, 9, lat["height"] * 8, lat["width"] * 8, device=device) * 2 - 1
    with torch.no_grad():
        ref_mu = vae.encode(video, [torch.zeros_like(mean), torch.ones_like(std)]).permute(0, 2, 1, 3, 4).cpu().numpy()
    first = ort.InferenceSession(f"{out_dir}/vae_encoder_first.onnx", providers=providers)
    steady = ort.InferenceSession(f"{out_dir}/vae_encoder.onnx", providers=providers)
    px = video.permute(0, 2, 1, 3, 4).cpu().numpy().astype(np_type)
    outs = first.run(None, {"frames": px[:, :1]})
    latents = [outs[0]]
    for i in range(2):
        names = [n.name for n in steady.get_inputs()[1:]]
        outs = steady.run(None, {"frames": px[:, 1 + 4 * i : 5 + 4 * i], **dict(zip(names, outs[1:]))})
        latents.append(outs[0])
    got = np.concatenate(latents, axis=1).astype(np.float32)
    r = prediction.relative_error(got, ref_mu)
    enc_ok = got.shape == ref_mu.shape and r < 0.02
    print(f"  VAE encoder streamed over 1 + 4 + 4 frames: relative RMS error {r:.4f} -> {'ok' if enc_ok else 'FAILED'}")
    return ok and enc_ok
