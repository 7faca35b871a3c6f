#!/usr/bin/env python3
"""Golden numbers for Scope's StreamBatch, from StreamDiffusion's stream-batch maths.

Reference read: github.com/cumulo-autumn/StreamDiffusion at commit b623251dc055e1fd858d53509aa43e09dfc5cdc0,
src/streamdiffusion/pipeline.py (prepare, add_noise / encode_image, unet_step, scheduler_step_batch,
predict_x0_batch) with frame_buffer_size 1 and use_denoising_batch on. This script restates that maths in numpy
(float64); it does not import or copy the upstream code, and it needs no weights: the UNet is a fixed closed-form
function of the latent, the timestep and the conditioning (fake_unet below; stream-batch-golden.test.ts has the
same function), so the numbers check the stream arithmetic alone (schedule, noising, RCFG, the stock noise,
re-noising between stages), not a model.

What upstream does per call, for n stages (t_index_list of length n):
  * the input latent z is always noised to stage 0: x = sqrt(abar_0) z + sqrt(1 - abar_0) N_0 (encode_image);
  * the batch is [x_new, buffer_1 .. buffer_{n-1}]; the stock noise rolls one stage on, N_0 entering at stage 0;
  * guidance runs only for gamma > 1 and cfg != none: full appends an unconditional copy of every stage,
    initialize one of stage 0 (whose prediction becomes stage 0's stock noise), self none; self and initialize
    take delta * stock as the negative; eps = uncond + gamma (cond - uncond);
  * LCM step per stage: D = c_skip x + c_out (x - sqrt(1 - abar) eps) / sqrt(abar);
  * self / initialize: stock <- N_{i+1} + sqrt(abar_{i+1}) / sqrt(1 - abar_{i+1}) * LCM step of sqrt(1 - abar) stock;
  * buffer_{i+1} = sqrt(abar_{i+1}) D_i (+ sqrt(1 - abar_{i+1}) N_{i+1} when do_add_noise); the output is D_{n-1}.

Scope's deliberate differences, applied below where they change the numbers and marked in the fixture:
  * txt2img starts stage 0 from the fixed N_0 (upstream draws fresh noise per frame); here the txt2img cases feed
    N_0 as upstream's stage-0 latent, which is the same maths on a given noise;
  * a single stage with cfg self: upstream carries the stock from one frame's stage 0 to the next frame's (its
    roll is a no-op at n = 1), from zero, and it grows without bound; Scope gives every frame its own N_0, as at
    stage 0 of a longer list. The fixture keeps upstream's own numbers beside the expected ones for that case;
  * the first n-1 outputs (the pipe filling) differ by design (upstream's buffer starts at zero, Scope's at pure
    noise); only outputs from call n-1 on are compared, which depend on no initial state.

Run (numpy only): python3 tools/reference/streambatch_golden.py > pipelines/streamdiffusion/fixtures/streambatch-golden.json
The pre-commit hook reformats the JSON with prettier; the numbers are unchanged. Checked by
pipelines/streamdiffusion/stream-batch-golden.test.ts (within 1e-5 relative).
"""

import json
import sys

import numpy as np

UPSTREAM_COMMIT = "b623251dc055e1fd858d53509aa43e09dfc5cdc0"
SIZE = 8  # latent values per frame: the maths is elementwise, so a tiny latent covers it
CALLS = 7
GAMMA = 1.4
STAGE_LISTS = [[32], [32, 45], [0, 16, 32, 45]]


def schedule():
    """Stable Diffusion's scaled-linear betas over 1000 steps and LCM's 50 timesteps (999, 979, ..., 19)."""
    betas = np.linspace(0.00085**0.5, 0.012**0.5, 1000, dtype=np.float64) ** 2
    abar = np.cumprod(1.0 - betas)
    timesteps = [(50 - i) * 20 - 1 for i in range(50)]
    return abar, timesteps


def stages_for(indices, abar, timesteps):
    out = []
    for i in indices:
        t = timesteps[i]
        scaled = t * 10.0  # LCM timestep_scaling
        d2 = 0.5**2  # sigma_data squared
        out.append(
            {
                "index": i,
                "timestep": t,
                "alpha": float(np.sqrt(abar[t])),
                "beta": float(np.sqrt(1.0 - abar[t])),
                "cSkip": d2 / (scaled**2 + d2),
                "cOut": scaled / (scaled**2 + d2) ** 0.5,
            }
        )
    return out


def fake_unet(x, t, negative):
    """eps = 0.7 x + 0.2 sin(1.3 x + 0.002 t + 0.5 k) + c (0.15 + 0.05 cos(0.3 k)), c = +1 cond, -1 negative."""
    k = np.arange(x.shape[-1], dtype=np.float64)
    c = -1.0 if negative else 1.0
    return 0.7 * x + 0.2 * np.sin(1.3 * x + 0.002 * t + 0.5 * k) + c * (0.15 + 0.05 * np.cos(0.3 * k))


class Stream:
    """StreamDiffusion's per-call state and arithmetic at frame_buffer_size 1."""

    def __init__(self, stages, noise, cfg, gamma, delta, add_noise, own_single_stock):
        self.st = stages
        self.n = len(stages)
        self.alpha = np.array([s["alpha"] for s in stages])[:, None]
        self.beta = np.array([s["beta"] for s in stages])[:, None]
        self.c_skip = np.array([s["cSkip"] for s in stages])[:, None]
        self.c_out = np.array([s["cOut"] for s in stages])[:, None]
        self.init_noise = noise[: self.n].copy()
        self.cfg = cfg
        self.gamma = 1.0 if cfg == "none" else gamma
        self.delta = delta
        self.add_noise = add_noise
        self.own_single_stock = own_single_stock
        self.stock = np.zeros_like(self.init_noise)
        self.buffer = np.zeros((self.n - 1, SIZE))

    def step(self, latent):
        n, a, b = self.n, self.alpha, self.beta
        x_new = latent if latent is not None else self.init_noise[0]
        if latent is not None:
            x_new = a[0] * latent + b[0] * self.init_noise[0]
        x = np.concatenate([x_new[None], self.buffer]) if n > 1 else x_new[None]
        if n > 1:
            self.stock = np.concatenate([self.init_noise[0:1], self.stock[:-1]])
        elif self.own_single_stock:
            self.stock = self.init_noise[0:1].copy()
        guided = self.gamma > 1.0 and self.cfg != "none"
        ts = [s["timestep"] for s in self.st]
        cond = np.stack([fake_unet(x[i], ts[i], False) for i in range(n)])
        if guided and self.cfg == "initialize":
            self.stock = np.concatenate([fake_unet(x[0], ts[0], True)[None], self.stock[1:]])
        if guided and self.cfg == "full":
            uncond = np.stack([fake_unet(x[i], ts[i], True) for i in range(n)])
        elif guided:
            uncond = self.stock * self.delta
        eps = uncond + self.gamma * (cond - uncond) if guided else cond
        denoised = self.c_out * (x - b * eps) / a + self.c_skip * x
        if self.cfg in ("self", "initialize"):
            scaled = b * self.stock
            moved = self.c_out * (scaled - b * eps) / a + self.c_skip * scaled
            a_next = np.concatenate([a[1:], np.ones((1, 1))])
            b_next = np.concatenate([b[1:], np.ones((1, 1))])
            self.stock = np.roll(self.init_noise, -1, axis=0) + moved * a_next / b_next
        if n > 1:
            self.buffer = a[1:] * denoised[:-1]
            if self.add_noise:
                self.buffer = self.buffer + b[1:] * self.init_noise[1:]
        return denoised[-1]


def run(stages, noise, inputs, cfg, gamma, delta, add_noise, own_single_stock):
    stream = Stream(stages, noise, cfg, gamma, delta, add_noise, own_single_stock)
    outs = [stream.step(z) for z in inputs]
    return [o.tolist() for o in outs[len(stages) - 1 :]]


def main():
    abar, timesteps = schedule()
    rng = np.random.default_rng(2024)
    noise = rng.standard_normal((4, SIZE))
    latents = 0.8 * rng.standard_normal((CALLS, SIZE))
    cases = []

    def add(indices, mode, cfg, gamma, delta, add_noise):
        stages = stages_for(indices, abar, timesteps)
        inputs = list(latents) if mode == "img2img" else [None] * CALLS
        expected = run(stages, noise, inputs, cfg, gamma, delta, add_noise, own_single_stock=True)
        upstream = run(stages, noise, inputs, cfg, gamma, delta, add_noise, own_single_stock=False)
        case = {
            "tIndexList": indices,
            "mode": mode,
            "cfg": cfg,
            "guidance": gamma,
            "delta": delta,
            "addNoise": add_noise,
            "expected": expected,
        }
        if not np.allclose(expected, upstream, rtol=0, atol=1e-12):
            case["upstream"] = upstream
            case["note"] = "single stage, self: upstream's stock carries over between frames and grows; see header"
        cases.append(case)

    for indices in STAGE_LISTS:
        for cfg in ["none", "full", "self", "initialize"]:
            for delta in [1.0, 0.5]:
                for add_noise in [True, False]:
                    add(indices, "img2img", cfg, GAMMA, delta, add_noise)
        add(indices, "txt2img", "none", 1.0, 1.0, True)
    # Guidance off at gamma <= 1, whatever cfg says.
    add([32, 45], "img2img", "full", 1.0, 1.0, True)
    add([32, 45], "img2img", "initialize", 0.8, 0.5, True)

    fixture = {
        "source": "tools/reference/streambatch_golden.py",
        "upstream": f"cumulo-autumn/StreamDiffusion@{UPSTREAM_COMMIT} src/streamdiffusion/pipeline.py",
        "size": SIZE,
        "calls": CALLS,
        "comparedFrom": "call n-1 (outputs before it are the pipe filling)",
        "stages": stages_for(sorted({i for s in STAGE_LISTS for i in s}), abar, timesteps),
        "noise": noise.tolist(),
        "inputs": latents.tolist(),
        "cases": cases,
    }
    json.dump(fixture, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
