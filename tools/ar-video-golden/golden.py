#!/usr/bin/env python3
"""Golden values of the ar-video host loop, computed from the upstream algorithms on a deterministic fake block.

LongLive v1.0 (NVlabs/LongLive @ e52d9ef): the per-block loop of pipeline/causal_inference.py (steps of x0
prediction and re-noising, then a pass at t = 0 that leaves the block's K/V in the cache) with the cache rules of
wan/modules/causal_model.py, written here from their maths: a cache of `local_attn_size` frames addressed by
global/local end indices, the first `sink_size` frames never rolled out, every forward writing its frames' K/V
(rolling when the window is full), the write protection of the sink region when a pass recomputes frames already
generated, attention keys = the sink frames + the most recent `local_attn_size - sink_size` frames; and the
prompt switch of pipeline/switch_causal_inference.py `_recache_after_switch` (global_sink: the last
min(local_attn_size, n) frames re-run at t = 0 under the new prompt from position n - that).

The model is the project's tiny block (pipelines/ar-video/tiny/block.ts, its header is the definition): per layer l
a frame's key is (position, t/1024) and its value (context[0] + l, floor(4·latent[0, 0, 0]) / 4); its flow is
made of sums over the keys it attends to. The noise is the host's (pipelines/shared/noise.ts seeded per seed, block
and step; pipelines/neural-field/random.ts mulberry32 + Box-Muller), ported below, so the host's run and this one
see the same numbers and differ only in how each manages the cache.

Writes pipelines/ar-video/golden/longlive.json: for each block the positions and the clean latents (channels 0..2,
the ones the tiny decoder shows) that upstream's loop gives. pipelines/ar-video/golden.test.ts runs the host loop
on the tiny export and compares.

    python3 tools/ar-video-golden/golden.py
"""

import json
import math
import os

import numpy as np

F32 = np.float32
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


# --- the host's noise (mulberry32 + Box-Muller, float64 then float32), 32-bit integer arithmetic as JavaScript's.
def _i32(x):
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >= 1 << 31 else x


def _imul(a, b):
    return _i32((a & 0xFFFFFFFF) * (b & 0xFFFFFFFF))


def seeded_noise(seed, size):
    a = seed & 0xFFFFFFFF

    def uniform():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = _i32(a)
        t = _imul(t ^ ((t & 0xFFFFFFFF) >> 15), t | 1)
        t = _i32(t ^ _i32(t + _imul(t ^ ((t & 0xFFFFFFFF) >> 7), t | 61)))
        return ((t ^ ((t & 0xFFFFFFFF) >> 14)) & 0xFFFFFFFF) / 4294967296

    out = np.empty(size, F32)
    for i in range(size):
        u = 1 - uniform()
        v = uniform()
        out[i] = math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * v)
    return out


def host_noise(seed, block, step, size, epoch=0):
    mixed = (_imul(seed + 1, 0x9E3779B1) ^ _imul(block + 1, 0x85EBCA6B) ^ _imul(step + 1, 0xC2B2AE35) ^ _imul(epoch, 0x27D4EB2F)) & 0xFFFFFFFF
    return seeded_noise(mixed, size)


# --- the shifted flow-matching table (FlowMatchScheduler(shift, sigma_min=0, extra_one_step=True)).
def table(shift):
    s = 1 - np.arange(1000, dtype=np.float64) / 1000
    sig = shift * s / (1 + (shift - 1) * s)
    return sig, sig * 1000


def sigma_at(t, shift):
    sig, ts = table(shift)
    return float(sig[int(np.argmin(np.abs(ts - t)))])


# --- the tiny block over a key set (see tiny/block.ts): keys are dicts {pos, t, ctx, q, own}.
def tiny_flow(x, ts, ctx, positions, keys, layers=2):
    """x [F, 4, h, w] float32; keys: every frame attended to, own frames included; returns flow [F, 4, h, w]."""
    n = len(keys)
    a = F32(sum(k["pos"] for k in keys))
    d = F32(sum(k["q"] for k in keys))
    z = F32(sum(1 for k in keys if not k["own"] and k["t"] == 0))
    c_sum = F32(0)
    for l in range(layers):
        c_sum = F32(c_sum + F32(sum(F32(k["ctx"] + l) for k in keys)) * F32(2**l / 16))
    flow = np.empty_like(x)
    for f in range(x.shape[0]):
        flow[f, 0] = F32(a / 64)
        flow[f, 1] = c_sum
        flow[f, 2] = F32(F32(positions[f] / 64) + F32(ctx))
        flow[f, 3] = F32(F32(d / 8) + F32(n / 16)) + F32(z / 32)
    return flow


def own_keys(x, ts, ctx, positions):
    return [
        {"pos": positions[f], "t": F32(ts * (1 / 1024)), "ctx": F32(ctx), "q": F32(np.floor(F32(x[f, 0, 0, 0] * 4)) * 0.25), "own": True}
        for f in range(x.shape[0])
    ]


class UpstreamCache:
    """LongLive's per-layer KV cache at frame granularity (every frame's tokens share a slot range)."""

    def __init__(self, window, sink):
        self.window, self.sink = window, sink
        self.slots = [None] * window
        self.global_end = 0
        self.local_end = 0

    def forward(self, x, t, ctx, start, protect_sink=True):
        n = x.shape[0]
        positions = list(range(start, start + n))
        new = own_keys(x, t, ctx, positions)
        end = start + n
        recompute = end <= self.global_end and start > 0
        temp = list(self.slots)
        if end > self.global_end and self.local_end + n > self.window:
            evict = n + self.local_end - self.window
            rolled = self.local_end - evict - self.sink
            temp[self.sink : self.sink + rolled] = temp[self.sink + evict : self.sink + evict + rolled]
            local_end = self.local_end + end - self.global_end - evict
        else:
            local_end = self.local_end + end - self.global_end
        local_start = local_end - n
        write_start = max(local_start, self.sink) if (recompute and protect_sink) else local_start
        for i in range(write_start, local_end):
            temp[i] = new[i - local_start]
        budget = self.window - self.sink
        keys = temp[: self.sink] + temp[max(self.sink, local_end - budget) : local_end]
        keys = [k for k in keys if k is not None]
        flow = tiny_flow(x, t, ctx, positions, keys)
        self.slots = [None if k is None else {**k, "own": False} for k in temp]
        self.local_end = local_end
        self.global_end = max(self.global_end, end)
        return flow


def longlive(shape, seed, blocks, steps, shift, switch_at, ctx_a, ctx_b, window=12, sink=3, frames=3):
    sig, ts = table(shift)
    warped = [float(ts[1000 - s]) for s in steps]  # warp_denoising_step
    sigmas = [sigma_at(t, shift) for t in warped]
    cache = UpstreamCache(window, sink)
    size = frames * 4 * shape[0] * shape[1]
    dims = (frames, 4, *shape)
    outputs = []
    history = {}
    ctx = ctx_a
    for b in range(blocks):
        start = b * frames
        if b == switch_at:
            ctx = ctx_b
            # _recache_after_switch with global_sink: K/V kept, the last min(window, start) frames re-run at t = 0.
            count = min(window, start)
            lat = np.stack([history[p] for p in range(start - count, start)])
            cache.forward(lat, 0.0, ctx, start - count)
        x = host_noise(seed, b, 0, size).reshape(dims)
        x0 = None
        for i, (t, s) in enumerate(zip(warped, sigmas)):
            if i > 0:
                noise = host_noise(seed, b, i, size).reshape(dims)
                x = (x0 * F32(F32(1) - F32(s)) + noise * F32(s)).astype(F32)
            flow = cache.forward(x, F32(t), ctx, start)
            x0 = (x - flow * F32(s)).astype(F32)
        cache.forward(x0, 0.0, ctx, start)  # the pass at t = 0 (context_noise 0)
        for f in range(frames):
            history[start + f] = x0[f]
        outputs.append({"positions": list(range(start, start + frames)), "latents": x0[:, :3].round(7).tolist()})
    return outputs


def main():
    shape = (4, 8)  # the tiny export at 64x32
    config = {
        "upstream": "NVlabs/LongLive v1.0 @ e52d9ef: pipeline/causal_inference.py, switch_causal_inference.py, wan/modules/causal_model.py",
        "seed": 11,
        "blocks": 10,
        "steps": [1000, 750],
        "shift": 5.0,
        "switchAt": 6,
        "context": [0.5, -0.25],
    }
    out = longlive(shape, config["seed"], config["blocks"], config["steps"], config["shift"], config["switchAt"], *config["context"])
    path = os.path.join(ROOT, "pipelines", "ar-video", "golden", "longlive.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump({**config, "blocks": out}, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
