"""umT5-xxl (Wan's text encoder) as a graph: token ids and mask -> context, zero past the prompt's tokens, as
WanTextEncoder hands it to the DiT (the DiT's text_embedding then sees zeros there, as upstream)."""

import os

from torch import nn


class TextEncoderStep(nn.Module):
    def __init__(self, encoder: nn.Module, out_dtype):
        super().__init__()
        self.encoder = encoder  # wan.modules.t5 T5Encoder
        self.out_dtype = out_dtype

    def forward(self, input_ids, attention_mask):
        context = self.encoder(input_ids, attention_mask)
        return (context * attention_mask[..., None].to(context.dtype)).to(self.out_dtype)


def find_text_encoder(pipeline):
    """The T5 encoder module and the Hugging Face tokenizer inside an upstream WanTextEncoder."""
    te = pipeline.text_encoder
    encoder = getattr(te, "text_encoder", None) or getattr(te, "model", None)
    tokenizer = getattr(getattr(te, "tokenizer", None), "tokenizer", None)
    if encoder is None or tokenizer is None:
        raise SystemExit("could not find the T5 encoder and its tokenizer in the upstream pipeline's text_encoder")
    return encoder, tokenizer


def save_tokenizer(tokenizer, out_dir: str) -> str:
    """tokenizer.json of the fast umT5 tokenizer (what @huggingface/tokenizers reads)."""
    path = os.path.join(out_dir, "tokenizer.json")
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise SystemExit("the umT5 tokenizer is not a fast tokenizer; install tokenizers and transformers as pinned")
    backend.save(path)
    return path
