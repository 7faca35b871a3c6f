"""What each variant's files look like from outside: tensor names, element types and named free dimensions per
network, and the onnxruntime optimizer settings of the Olive-CUDA-shaped variant. Pure data and small functions, so
the tests run without torch, diffusers or weights.

The names and types are those daydream-scope's pipeline binds (pipelines/streamdiffusion/tensor-roles.ts):
- webgpu: as onnxruntime's browser example (onnxruntime-inference-examples js/sd-turbo/index.js) feeds
  schmuell/sd-turbo-ort-web: sample float32, timestep int64, encoder_hidden_states -> out_sample; input_ids int32
  -> last_hidden_state; latent_sample -> sample; its free dimensions batch_size, num_channels, height, width,
  sequence_length, num_channels_latent, height_latent, width_latent. Plain ONNX operators only.
- olive-cuda: the diffusers/optimum names with float16 inputs and outputs, then onnxruntime's transformer optimizer
  for model type "unet"/"vae"/"clip" on the GPU, which writes the contrib operators Olive's CUDA optimisation
  writes (GroupNorm, SkipGroupNorm, NhwcConv, MultiHeadAttention, BiasSplitGelu, BiasAdd).
"""

VARIANTS = ("webgpu", "olive-cuda")
NETWORKS = ("text_encoder", "unet", "vae_decoder", "vae_encoder")
# The ControlNet files (`--controlnet`): a ControlNet, and the UNet that takes its residuals.
CONTROL_NETWORKS = ("controlnet", "unet_controlnet")

# The 12 down residuals and the mid one of diffusers' ControlNetModel for an SD 2.1 UNet (block channels
# 320/640/1280/1280, 2 layers per block): conv_in's output, then per level two resnet(+attention) outputs and the
# downsampler's (not after the last level), then the mid block. (channels, level); a level halves the latent size.
# The same table as pipelines/streamdiffusion/controlnet/residuals.ts.
SD21_RESIDUALS = [(320, 0), (320, 0), (320, 0), (320, 1), (640, 1), (640, 1), (640, 2), (1280, 2), (1280, 2),
                  (1280, 3), (1280, 3), (1280, 3), (1280, 3)]
RESIDUAL_NAMES = [f"down_block_{i}" for i in range(12)] + ["mid_block"]

# The SD 2.1 ControlNets `--controlnet` exports, by the pipeline's names: diffusers ControlNetModel weights.
CONTROLNETS = {
    "depth": "thibaud/controlnet-sd21-depth-diffusers",
    "canny": "thibaud/controlnet-sd21-canny-diffusers",
    "softedge": "thibaud/controlnet-sd21-hed-diffusers",
}


def residual_spec(f, b):
    """The residuals as (name, dtype, dims): channels fixed (the pipeline reads them from the UNet), sizes free."""
    return [(name, f, [b, c, f"latent_height_{level}", f"latent_width_{level}"])
            for name, (c, level) in zip(RESIDUAL_NAMES, SD21_RESIDUALS)]


def io_spec(network, variant, xl=False, projection=False, size=None):
    """(inputs, outputs): lists of (name, dtype, dims); a dim is an int or a free dimension's name. For a text
    encoder, `xl` adds every layer's hidden states (SDXL reads the penultimate) and `projection` names the pooled
    output text_embeds (SDXL's second encoder, CLIPTextModelWithProjection). `size` (width, height) fixes the
    spatial dimensions of the image networks: one graph per size, which engine builders and shader compilers
    prefer, and what the fast tier's export writes."""
    inputs, outputs = _io_spec(network, variant, xl, projection)
    if size is None or network == "text_encoder":
        return inputs, outputs
    fixed = static_sizes(*size)
    if network == "unet":  # the UNet's height and width are the latent's
        fixed = {"height": fixed["height_latent"], "width": fixed["width_latent"]}
    pin = lambda spec: [(n, t, [fixed.get(d, d) if isinstance(d, str) else d for d in dims]) for n, t, dims in spec]
    return pin(inputs), pin(outputs)


def static_sizes(width, height):
    """The spatial free dimensions' values for an image of width x height: a multiple of 8 (the VAE's factor)."""
    if width % 8 or height % 8 or width <= 0 or height <= 0:
        raise ValueError(f"image sizes must be positive multiples of 8, got {width}x{height}")
    return {"height": height, "width": width, "height_latent": height // 8, "width_latent": width // 8}


def _io_spec(network, variant, xl, projection):
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; known: {', '.join(VARIANTS)}")
    webgpu = variant == "webgpu"
    # The WebGPU-ready export keeps float32 at its edges (fp16 inside); the Olive one is float16 throughout.
    f = "float32" if webgpu else "float16"
    b = "batch_size" if webgpu else "batch"
    if network == "text_encoder":
        seq = "sequence_length" if webgpu else 77
        outputs = [("last_hidden_state", f, [b, seq, "hidden"])]
        outputs.append(("text_embeds" if projection else "pooler_output", f, [b, "pooled"]))
        if xl:
            # SDXL conditions on the penultimate layer: every layer's hidden states, as the Olive export has them.
            outputs.append(("hidden_states", f, ["layers", b, seq, "hidden"]))
        return [("input_ids", "int32", [b, seq])], outputs
    if network == "unet":
        c, h, w = ("num_channels", "height", "width") if webgpu else (4, "height", "width")
        seq = "sequence_length" if webgpu else 77
        inputs = [
            ("sample", f, [b, c, h, w]),
            ("timestep", "int64", [b]),
            ("encoder_hidden_states", f, [b, seq, "hidden"]),
        ]
        if xl:
            inputs += [("text_embeds", f, [b, 1280]), ("time_ids", f, [b, 6])]
        return inputs, [("out_sample", f, [b, c, h, w])]
    if network in CONTROL_NETWORKS:
        if xl:
            raise ValueError("the ControlNet contract is for the SD 2.1 family, not SDXL")
        seq = "sequence_length" if webgpu else 77
        c = "num_channels" if webgpu else 4
        unet = [
            ("sample", f, [b, c, "height", "width"]),
            ("timestep", "int64", [b]),
            ("encoder_hidden_states", f, [b, seq, "hidden"]),
        ]
        if network == "controlnet":
            # The control image at image size, in [0, 1], as diffusers' ControlNet pipelines feed it.
            return unet + [("controlnet_cond", f, [b, 3, "image_height", "image_width"])], residual_spec(f, b)
        return unet + residual_spec(f, b), [("out_sample", f, [b, c, "height", "width"])]
    if network == "vae_decoder":
        c, h, w = ("num_channels_latent", "height_latent", "width_latent") if webgpu else (4, "height_latent", "width_latent")
        return [("latent_sample", f, [b, c, h, w])], [("sample", f, [b, 3, "height", "width"])]
    if network == "vae_encoder":
        c, h, w = ("num_channels_latent", "height_latent", "width_latent") if webgpu else (4, "height_latent", "width_latent")
        return [("sample", f, [b, 3, "height", "width"])], [("latent_sample", f, [b, c, h, w])]
    raise ValueError(f"unknown network {network!r}; known: {', '.join(NETWORKS + CONTROL_NETWORKS)}")


def dynamic_axes(network, variant, xl=False, projection=False, size=None):
    """torch.onnx.export's dynamic_axes: every named dimension of the spec, by position."""
    inputs, outputs = io_spec(network, variant, xl, projection, size)
    return {
        name: {i: d for i, d in enumerate(dims) if isinstance(d, str)}
        for name, _, dims in inputs + outputs
    }


# The optimizer's model type per network (onnxruntime.transformers.optimizer.optimize_model).
MODEL_TYPES = {"text_encoder": "clip", "unet": "unet", "vae_decoder": "vae", "vae_encoder": "vae",
               "controlnet": "unet", "unet_controlnet": "unet"}

# FusionOptions for the Olive-CUDA shape: what onnxruntime's FusionOptions(model_type) sets for "unet", "vae" and
# "clip" (onnxruntime/python/tools/transformers/fusion_options.py), set again here so a changed default shows. Packed
# QKV/KV is on as Olive writes it; daydream-scope unpacks it at load for providers whose MultiHeadAttention refuses it.
OLIVE_CUDA_FUSIONS = {
    "enable_nhwc_conv": True,
    "enable_group_norm": True,
    "enable_skip_group_norm": True,
    "enable_bias_splitgelu": True,
    "enable_packed_qkv": True,
    "enable_packed_kv": True,
    "enable_bias_add": True,
    "group_norm_channels_last": True,
}


def fusion_options(variant):
    """The optimizer's fusion flags for a variant; None for one written in plain operators."""
    return dict(OLIVE_CUDA_FUSIONS) if variant == "olive-cuda" else None


def check_signature(network, variant, declared, xl=False, projection=False, size=None):
    """Sentences for every way `declared` ({"input"|"output": name -> (dtype, rank)}) differs from the spec; [] when
    it fits."""
    inputs, outputs = io_spec(network, variant, xl, projection, size)
    problems = []
    for kind, spec in (("input", inputs), ("output", outputs)):
        for name, dtype, dims in spec:
            if name not in declared[kind]:
                problems.append(f"{network}: no {kind} {name}")
                continue
            got_type, got_rank = declared[kind][name]
            if got_type != dtype:
                problems.append(f"{network}: {kind} {name} is {got_type}, expected {dtype}")
            if got_rank != len(dims):
                problems.append(f"{network}: {kind} {name} has rank {got_rank}, expected {len(dims)}")
    return problems
