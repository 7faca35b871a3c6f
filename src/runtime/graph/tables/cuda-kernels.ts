/**
 * Kernels of onnxruntime's CUDA execution provider, com.microsoft domain only: the kernel declarations of
 * onnxruntime/contrib_ops/cuda/cuda_contrib_kernels.cc at commit 004b79eda305 (its first 16,000 characters: the
 * declarations up to GatherBlockQuantized; the rest of the file was not read). All are opset 1. The ai.onnx ops of
 * the CUDA provider (onnxruntime/core/providers/cuda/cuda_execution_provider.cc) are not tabulated yet: the check
 * says so for them instead of guessing.
 */
export const cudaKernelList = `
# CUDAExecutionProvider, com.microsoft
com.microsoft GridSample:1+ FastGelu:1+ Gelu:1+ BiasGelu:1+ BiasSplitGelu:1+ BiasAdd:1+ QuickGelu:1+
com.microsoft TransposeMatMul:1+ FusedMatMul:1+ RelativePositionBias:1+ GatedRelativePositionBias:1+
com.microsoft RemovePadding:1+ RestorePadding:1+ Rfft:1+ Irfft:1+ ComplexMul:1+ ComplexMulConj:1+ BiasSoftmax:1+
com.microsoft BiasDropout:1+ BitmaskDropout:1+ BitmaskBiasDropout:1+ NGramRepeatBlock:1+ Attention:1+
com.microsoft PackedAttention:1+ PackedMultiHeadAttention:1+ BeamSearch:1+ WhisperBeamSearch:1+
com.microsoft ConvTransposeWithDynamicPads:1+ MoE:1+ QMoE:1+ MultiHeadAttention:1+ GroupQueryAttention:1+
com.microsoft PagedAttention:1+ DecoderAttention:1+ EmbedLayerNormalization:1+ GreedySearch:1+ GroupNorm:1+
com.microsoft NhwcConv:1+ LongformerAttention:1+ RotaryEmbedding:1+ MRotaryEmbedding:1+ GemmaRotaryEmbedding:1+
com.microsoft LinearAttention:1+ GatedDeltaNet:1+ LinearAttentionGate:1+ GatedRMSNorm:1+ EngramGate:1+
com.microsoft NGramHashMapping:1+ VarlenNGramHashMapping:1+ GatedAdd:1+ CausalConvWithState:1+
com.microsoft VarlenCausalConvWithState:1+ Sampling:1+ SkipGroupNorm:1+ SkipLayerNormalization:1+
com.microsoft SkipSimplifiedLayerNormalization:1+ Inverse:1+ MatMulBlockQuantizedFp4Weight:1+
com.microsoft MatMulBlockQuantizedFp8Weight:1+ MatMulNBits:1+ MatMulBnb4:1+ Trilu:1+ UnfoldTensor:1+
com.microsoft DynamicTimeWarping:1+ QuantizeLinear:1+ DequantizeLinear:1+ QAttention:1+ FusedConv:1+
com.microsoft QOrderedMatMul:1+ QOrderedLayerNormalization:1+ QOrderedGelu:1+ QuantizeWithOrder:1+
com.microsoft DequantizeWithOrder:1+ QOrderedAttention:1+ QOrderedLongformerAttention:1+
com.microsoft DecoderMaskedSelfAttention:1+ DecoderMaskedMultiHeadAttention:1+ GemmFloat8:1+ SparseAttention:1+
com.microsoft GatherBlockQuantized:1+
`;
