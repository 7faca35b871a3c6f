"""Loads the upstream pipelines exactly as their own inference scripts do, from a checkout of their code.

- LongLive (NVlabs/LongLive, branch v1.0): inference.py builds CausalInferencePipeline(config), loads
  generator_ckpt ("generator" or "generator_ema"), wraps the generator's model with configure_lora_for_model and
  loads the LoRA (lora_ckpt, "generator_lora"); here the LoRA is then merged into the weights.
- StreamDiffusionV2 (chenfengxu714/StreamDiffusionV2): streamv2v/inference.py builds
  CausalStreamInferencePipeline(config) and loads <checkpoint_folder>/model.pt with keys prefixed "model.". The
  pipeline reads `model_type` from the config before anything else (the Wan folder name, and 30 or 40 blocks);
  its CLI supplies it (default T2V-1.3B) and the YAML does not, so it is set here.

What the generator wrapper returns differs (prediction.py): LongLive's (flow, x0), StreamDiffusionV2's x0 alone.
"""

import os
import sys
from dataclasses import dataclass

import torch


@dataclass
class Upstream:
    name: str
    pipeline: object  # the upstream pipeline (generator, text_encoder, vae)
    model: torch.nn.Module  # its CausalWanModel, LoRA merged
    config: object
    sink_frames: int
    window_frames: int
    block_frames: int
    shift: float
    warp: bool
    steps: list
    commit: str
    prediction: str  # 'flow-and-x0' (LongLive) or 'x0' (StreamDiffusionV2): what the generator wrapper returns


def _enter(repo: str):
    repo = os.path.abspath(repo)
    if not os.path.isdir(repo):
        raise SystemExit(f"--repo {repo} is not a folder (a checkout of the upstream code)")
    sys.path.insert(0, repo)
    os.chdir(repo)  # upstream configs name the Wan weights relative to the repo (wan_models/...)
    head = os.path.join(repo, ".git", "HEAD")
    return open(head).read().strip() if os.path.exists(head) else "unknown"


def load_longlive(repo: str, config_path: str, device: str) -> Upstream:
    commit = _enter(repo)
    from omegaconf import OmegaConf
    from pipeline import CausalInferencePipeline  # type: ignore
    from utils.lora_utils import configure_lora_for_model  # type: ignore
    import peft

    config = OmegaConf.load(config_path)
    config.distributed = False
    pipeline = CausalInferencePipeline(config, device=device)
    state = torch.load(config.generator_ckpt, map_location="cpu")
    key = "generator_ema" if config.get("use_ema", False) else "generator"
    raw = state[key] if key in state else state.get("model", state)
    raw = {k.replace("_fsdp_wrapped_module.", ""): v for k, v in raw.items()}
    pipeline.generator.load_state_dict(raw, strict=not config.get("use_ema", False))
    if config.get("adapter"):
        model = configure_lora_for_model(pipeline.generator.model, model_name="generator", lora_config=config.adapter, is_main_process=True)
        lora = torch.load(config.lora_ckpt, map_location="cpu")
        peft.set_peft_model_state_dict(model, lora.get("generator_lora", lora))
        pipeline.generator.model = model.merge_and_unload()
    return Upstream(
        name="longlive-1.3b",
        pipeline=pipeline,
        model=pipeline.generator.model,
        config=config,
        sink_frames=int(config.model_kwargs.get("sink_size", 3)),
        window_frames=int(config.model_kwargs.get("local_attn_size", 12)),
        block_frames=int(config.get("num_frame_per_block", 3)),
        shift=float(config.get("timestep_shift", 5.0)),
        warp=bool(config.get("warp_denoising_step", True)),
        steps=[int(s) for s in config.denoising_step_list if int(s) != 0],
        commit=commit,
        prediction="flow-and-x0",
    )


def load_streamdiffusionv2(repo: str, config_path: str, checkpoint_folder: str, device: str) -> Upstream:
    commit = _enter(repo)
    from omegaconf import OmegaConf
    from models.wan.causal_stream_inference import CausalStreamInferencePipeline  # type: ignore
    from streamv2v.inference_common import load_generator_state_dict  # type: ignore

    config = OmegaConf.load(config_path)
    for k, v in {"model_type": "T2V-1.3B", "t2v": False, "step": 2, "height": 480, "width": 832}.items():
        if k not in config:
            config[k] = v
    pipeline = CausalStreamInferencePipeline(config, device=device)
    _, state = load_generator_state_dict(checkpoint_folder)
    pipeline.generator.load_state_dict(state, strict=True)
    steps = [int(s) for s in config.denoising_step_list if int(s) != 0]
    return Upstream(
        name="streamdiffusionv2-1.3b",
        pipeline=pipeline,
        model=pipeline.generator.model,
        config=config,
        sink_frames=3,  # hard-coded in models/wan/causal_model.py (sink_size = 3)
        window_frames=int(config.get("num_kv_cache", 6)),
        block_frames=int(config.get("num_frame_per_block", 1)),
        shift=float(config.get("timestep_shift", 8.0)),
        warp=bool(config.get("warp_denoising_step", False)),
        steps=steps[: int(config.get("step", 2))],
        commit=commit,
        prediction="x0",
    )
