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

StreamDiffusionV2 (chenfengxu714/StreamDiffusionV2 @ c5a0f20): the first chunk through prepare() (2 latent frames,
the whole step list, one cache), then models/wan/causal_stream_inference.py: `inference_stream` for `per-step` (the
batch of one latent per step, the cache repeated over the batch, each batch slot reading and writing its own copy,
output after n - 1 calls, a zero latent in the slots not yet filled) and `inference_wo_batch` for `last-step` (the
steps of a frame in turn on one cache); the cache rules of models/wan/causal_model.py (a ring over the frames after
the sinks through its evict_idx queue, a single cache advancing it once per frame by its step counter); the
t_refresh rewind of streamv2v/inference.py (here at 9 instead of 50, so 12 frames cover it). `clean` is not an
upstream mode for StreamDiffusionV2: it is the single cache of inference_wo_batch with Self-Forcing's pass at t = 0
added. The adaptive sink is off (adapt_sink_thr -1), as the host does not do it.

One upstream quirk is not followed: with a single cache, inference_wo_batch advances its ring by a step counter,
and the frame that fills the cache takes the fill branch at its first step and the ring branch at its second, so
from then on each frame's steps write two different slots (a stale noisy copy of the frame stays in the cache).
Here a frame's later forwards rewrite the slot its first forward took, as the counter intends (the host does the
same); the default stream-batch path never meets this (each cache copy sees one forward per frame).

Writes pipelines/ar-video/golden/longlive.json and streamdiffusionv2.json: for each block the positions and the
clean latents (channels 0..2, the ones the tiny decoder shows) that upstream's loop gives, and for
StreamDiffusionV2 the cached frames each denoising step attended to (position, timestep/1024, context, the
quantised latent the tiny block keeps as V): what tells the commit modes apart.
pipelines/ar-video/golden.test.ts runs the host loop on the tiny export and compares.

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


class StreamCache:
    """One batch element of StreamDiffusionV2's cache at frame granularity: sinks, then a ring through evict_idx."""

    def __init__(self, size, sink, steps_per_frame, batched):
        self.size, self.sink = size, sink
        self.slots = [None] * size
        self.global_end = self.local_end = 0
        self.evict = []
        self.total = self.current = steps_per_frame
        self.batched = batched
        self.last = None  # (start, slot range) of the last forward: a frame's later steps rewrite its slot

    def copy(self):
        c = StreamCache(self.size, self.sink, self.total, True)
        c.slots, c.global_end, c.local_end, c.evict = list(self.slots), self.global_end, self.local_end, list(self.evict)
        return c

    def _count(self):
        """A single cache pops its eviction queue at a frame's last step only; a batch slot at every forward."""
        if not self.batched and self.current > 1:
            self.current -= 1
        else:
            e = self.evict.pop(0)
            if e > self.sink:
                self.evict.append(e)
            self.current = self.total

    def forward(self, x, t, ctx, start):
        n = x.shape[0]
        positions = list(range(start, start + n))
        new = own_keys(x, t, ctx, positions)
        end = start + n
        if not self.batched and self.last is not None and self.last[0] == start:
            lo, hi, ring = self.last[1]
            if ring:
                self._count()  # the ring's step counter as upstream keeps it, the slot left as it is
            self.slots[lo:hi] = new
            keys = [k for k in self.slots[: self.local_end] if k is not None]
            self.seen = _cached(keys, new)
            flow = tiny_flow(x, t, ctx, positions, [{**k, "own": k in new} for k in keys])
            self.slots = [None if k is None else {**k, "own": False} for k in self.slots]
            return flow
        if end > self.size or self.local_end >= self.size:
            self.global_end = start
            self.local_end = self.size
            target = self.evict[0]
            self._count()
            self.slots[target - n : target] = new
            self.last = (start, (target - n, target, True))
            local_end = self.local_end
        else:
            local_end = self.local_end + end - self.global_end
            rolling = end + n
            if self.sink < rolling <= self.size and (not self.evict or self.evict[-1] != rolling):
                self.evict.append(rolling)
            self.slots[local_end - n : local_end] = new
            self.last = (start, (local_end - n, local_end, False))
        self.global_end, self.local_end = end, local_end
        keys = [k for k in self.slots[:local_end] if k is not None]
        self.seen = _cached(keys, new)
        flow = tiny_flow(x, t, ctx, positions, [{**k, "own": k in new} for k in keys])
        self.slots = [None if k is None else {**k, "own": False} for k in self.slots]
        return flow


def _cached(keys, new):
    """The cached frames a forward attended to (its own excluded), as sorted [position, t/1024, context, q]."""
    return sorted([int(k["pos"]), float(k["t"]), float(k["ctx"]), float(k["q"])] for k in keys if k not in new)


def tiny_encode(values, previous_red, shape):
    """The tiny encoder on flat frames: channels 0..2 the frame's value, channel 3 (value - previous) / 2."""
    lat = np.empty((len(values), 4, *shape), F32)
    red = previous_red
    for i, v in enumerate(values):
        lat[i, :3] = F32(v)
        lat[i, 3] = F32(F32(F32(v) - F32(red)) * F32(0.5))
        red = v
    return lat


def streamdiffusionv2(mode, shape, seed, frames, steps, shift, scale, t_refresh, ctx, sink=3, window=6):
    sigmas = [sigma_at(t, shift) for t in steps]
    first_t = math.trunc(1000 * scale) - 100
    stream_steps = [first_t, *steps[1:]]
    stream_sigmas = [sigma_at(t, shift) for t in stream_steps]
    size1 = 4 * shape[0] * shape[1]
    values = [((k * 37) % 11) / 10 - 0.5 for k in range(1 + 4 * frames)]  # one flat value per input frame

    def noisy(lat, block):
        noise = host_noise(seed, block, 0, lat.size).reshape(lat.shape)
        return (lat * F32(F32(1) - F32(scale)) + noise * F32(scale)).astype(F32)

    def renoise(x0, block, i, s):
        noise = host_noise(seed, block, i, x0.size).reshape(x0.shape)
        return (x0 * F32(F32(1) - F32(s)) + noise * F32(s)).astype(F32)

    per_frame = len(steps) + (1 if mode == "clean" else 0)
    cache = StreamCache(window, sink, per_frame, batched=False)
    # prepare(): the first chunk, 1 + 4 frames -> 2 latent frames, the whole list on one cache.
    x = noisy(tiny_encode([values[0], values[4]], values[0], shape), 0)
    for i, (t, s) in enumerate(zip(steps, sigmas)):
        if i > 0:
            x = renoise(x0, 0, i, s)
        x0 = (x - cache.forward(x, F32(t), ctx, 0) * F32(s)).astype(F32)
    if mode == "clean":
        cache.forward(x0, 0.0, ctx, 0)
    outputs = [{"positions": [0, 1], "latents": x0[:, :3].round(7).tolist()}]
    red = values[4]
    starts = []
    start = 2
    for b in range(1, frames):
        if start >= t_refresh:
            start = window - 1  # kv_cache_length - frame_seq_length
        starts.append(start)
        start += 1
    chunks = [values[1 + 4 * b : 5 + 4 * b] for b in range(1, frames)]
    lats = []
    for chunk in chunks:
        lats.append(tiny_encode([chunk[-1]], red, shape))
        red = chunk[-1]
    if mode == "per-step":
        # inference_stream: slot i holds a latent at step i; the cache repeated per slot; n - 1 calls of latency.
        n = len(steps)
        banks = [cache.copy() for _ in range(n)]
        slots = [(np.zeros((1, 4, *shape), F32), starts[0], None)] * n  # (latent, start, block)
        results, seen = {}, {}
        for call in range(len(chunks) + n - 1):
            fresh = (noisy(lats[call], call + 1), starts[call], call + 1) if call < len(chunks) else (np.zeros((1, 4, *shape), F32), starts[-1] + 1, None)
            slots = [fresh, *slots[:-1]]
            outs = []
            for i, (lat, st, block) in enumerate(slots):
                t, s = stream_steps[i], stream_sigmas[i]
                outs.append((lat - banks[i].forward(lat, F32(t), ctx, st) * F32(s)).astype(F32))
                if block is not None:
                    seen.setdefault(block, {})[i] = banks[i].seen
            nxt = []
            for i, (x0i, (lat, st, block)) in enumerate(zip(outs, slots)):
                if i < n - 1:
                    nxt.append((renoise(x0i, block, i + 1, stream_sigmas[i + 1]) if block is not None else x0i, st, block))
                elif block is not None:
                    results[block] = (st, x0i)
            slots = nxt + [slots[-1]]
        for b in range(1, frames):
            st, x0i = results[b]
            attended = [seen[b][i] for i in range(n)]
            outputs.append({"positions": [st], "latents": x0i[:, :3].round(7).tolist(), "attended": attended})
        return outputs
    # inference_wo_batch: each frame's steps in turn on the one cache (and for clean, the pass at t = 0).
    for b, (lat, st) in enumerate(zip(lats, starts), start=1):
        x = noisy(lat, b)
        attended = []
        for i, (t, s) in enumerate(zip(stream_steps, stream_sigmas)):
            if i > 0:
                x = renoise(x0, b, i, s)
            x0 = (x - cache.forward(x, F32(t), ctx, st) * F32(s)).astype(F32)
            attended.append(cache.seen)
        if mode == "clean":
            cache.forward(x0, 0.0, ctx, st)
        outputs.append({"positions": [st], "latents": x0[:, :3].round(7).tolist(), "attended": attended})
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

    sd = {
        "upstream": "chenfengxu714/StreamDiffusionV2 @ c5a0f20: models/wan/causal_stream_inference.py (prepare, inference_stream, inference_wo_batch), models/wan/causal_model.py, streamv2v/inference.py",
        "seed": 13,
        "frames": 12,
        "steps": [700, 500],
        "shift": 8.0,
        "noiseScale": 0.7,
        "tRefresh": 9,
        "context": 0.25,
    }
    sd["inputs"] = [((k * 37) % 11) / 10 - 0.5 for k in range(1 + 4 * sd["frames"])]
    modes = {
        mode: streamdiffusionv2(mode, shape, sd["seed"], sd["frames"], sd["steps"], sd["shift"], sd["noiseScale"], sd["tRefresh"], sd["context"])
        for mode in ("per-step", "last-step", "clean")
    }
    path = os.path.join(ROOT, "pipelines", "ar-video", "golden", "streamdiffusionv2.json")
    with open(path, "w") as fh:
        json.dump({**sd, "modes": modes}, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
