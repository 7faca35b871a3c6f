"""Writes a model's IP-Adapter as the two ONNX files streamdiffusion's `reference` parameter opens:
<out>/image_encoder/model.onnx (pixel_values -> image_embeds) and <out>/unet_ip/model.onnx (the model's UNet with
IP-Adapter's decoupled cross-attention; inputs sample, timestep, encoder_hidden_states, image_embeds,
ip_adapter_scale [, text_embeds, time_ids]); with --controlnet also <out>/unet_controlnet_ip/model.onnx, the same UNet
taking the 13 ControlNet residuals after those inputs (down_block_0..11, mid_block), which streamdiffusion opens
for a reference and a ControlNet at once. Needs diffusers, transformers and safetensors (requirements.txt); not
run on the machines this project is built on (no GPU, no weights): see README.md for what was checked.

  python tools/ip-adapter-export/export.py --model stabilityai/sdxl-turbo --xl \\
    --adapter <h94/IP-Adapter>/sdxl_models/ip-adapter_sdxl_vit-h.safetensors \\
    --encoder <h94/IP-Adapter>/models/image_encoder --out ~/.daydream-scope/models/ip-adapter/sdxl-turbo
  python tools/ip-adapter-export/export.py --model stabilityai/sd-turbo --adapter <an SD 2.1 IP-Adapter> \\
    --encoder <its image_encoder> --controlnet --out ~/.daydream-scope/models/ip-adapter/sd-turbo
"""

import argparse
import os

import torch

from ip_attention import ImageEncoderIO, ImageProjection, ScaleHolder, UnetIpIO, export_encoder, export_unet, install
from ip_attention import control_examples, residual_channels, split_state


def load_checkpoint(path):
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file

        return load_file(path)
    return torch.load(path, map_location="cpu")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="diffusers model folder or Hub id (its unet/ is read)")
    parser.add_argument("--adapter", required=True, help="IP-Adapter checkpoint (.safetensors or .bin)")
    parser.add_argument("--encoder", required=True, help="CLIPVisionModelWithProjection folder (image_encoder/)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--xl", action="store_true", help="an SDXL UNet (text_embeds and time_ids inputs)")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--half", action="store_true", help="trace in float16 (on the GPU)")
    parser.add_argument("--size", type=int, default=512, help="image size of the example trace")
    parser.add_argument("--controlnet", action="store_true",
                        help="also write unet_controlnet_ip/ (the ControlNet residuals as inputs too; SD 2.1 family)")
    a = parser.parse_args()
    if a.controlnet and a.xl:
        parser.error("--controlnet is for the SD 2.1 family (its ControlNets); an SDXL UNet has none here")

    from diffusers import UNet2DConditionModel
    from transformers import CLIPVisionModelWithProjection

    dtype = torch.float16 if a.half else torch.float32
    unet = UNet2DConditionModel.from_pretrained(a.model, subfolder="unet", torch_dtype=dtype).to(a.device)
    dim = unet.config.cross_attention_dim
    proj_state, ip_state = split_state(load_checkpoint(a.adapter))
    projection = ImageProjection.from_state(proj_state, dim)
    holder = ScaleHolder()
    processors = install(unet, ip_state, projection.tokens, holder)
    io = UnetIpIO(unet, projection, processors, holder, xl=a.xl).to(a.device, dtype).eval()

    b, latent = 2, a.size // 8
    example = [
        torch.randn(b, 4, latent, latent, device=a.device, dtype=dtype),
        torch.tensor([999, 500], device=a.device, dtype=torch.int64),
        torch.randn(b, 77, dim, device=a.device, dtype=dtype),
        torch.randn(b, projection.proj.in_features, device=a.device, dtype=dtype),
        torch.ones(1, device=a.device, dtype=dtype),
    ]
    if a.xl:
        example += [torch.randn(b, 1280, device=a.device, dtype=dtype), torch.zeros(b, 6, device=a.device, dtype=dtype)]
    os.makedirs(os.path.join(a.out, "unet_ip"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "image_encoder"), exist_ok=True)
    with torch.no_grad():
        export_unet(io, example, os.path.join(a.out, "unet_ip", "model.onnx"), xl=a.xl)
        if a.controlnet:
            both = UnetIpIO(unet, projection, processors, holder, controlnet=True).to(a.device, dtype).eval()
            residuals = control_examples(example[0], residual_channels(list(unet.config.block_out_channels)))
            os.makedirs(os.path.join(a.out, "unet_controlnet_ip"), exist_ok=True)
            export_unet(both, example + residuals, os.path.join(a.out, "unet_controlnet_ip", "model.onnx"),
                        controlnet=True)
        encoder = CLIPVisionModelWithProjection.from_pretrained(a.encoder).to("cpu").eval()
        export_encoder(ImageEncoderIO(encoder), os.path.join(a.out, "image_encoder", "model.onnx"))
    both = f", {a.out}/unet_controlnet_ip/model.onnx" if a.controlnet else ""
    print(f"wrote {a.out}/unet_ip/model.onnx{both} and {a.out}/image_encoder/model.onnx")


if __name__ == "__main__":
    main()
