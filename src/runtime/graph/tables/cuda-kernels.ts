/**
 * Kernels of onnxruntime's CUDA execution provider.
 *
 * ai.onnx: the CUDAExecutionProvider section of docs/OperatorKernels.md at commit 001d12d2623f (that file is
 * generated from the registered kernels by onnxruntime's tools/python/gen_opkernel_doc.py). Op names and opset
 * ranges only; the type lists are not kept.
 *
 * com.microsoft: the kernel declarations of onnxruntime/contrib_ops/cuda/cuda_contrib_kernels.cc at commit
 * 004b79eda305 (its first 16,000 characters: the declarations up to GatherBlockQuantized). All are opset 1.
 */
export const cudaKernelList = `
# CUDAExecutionProvider, ai.onnx
ai.onnx Abs:6-12,13+ Add:7-12,13,14+ Affine:1+ And:7+ ArgMax:1-11,12,13+ ArgMin:1-11,12,13+ Attention:23,24+
ai.onnx AveragePool:7-9,10,11-18,19-21,22+ BatchNormalization:7-8,9-13,14,15+ Cast:6-8,9-12,13-18,19-20,21-22,23+
ai.onnx Ceil:6-12,13+ Clip:6-10,11,12,13+ Compress:9-10,11+ Concat:4-10,11-12,13+ ConcatFromSequence:11+
ai.onnx ConstantOfShape:9+ Conv:1-10,11-21,22+ ConvTranspose:1-10,11+ Cos:7+ Crop:1+ CumSum:11-13,14+
ai.onnx DepthToSpace:1-10,11-12,13+ DequantizeLinear:10-12,13-18,19-20,21+ Div:7-12,13,14+ Dropout:7-9,10-11,12,13+
ai.onnx DynamicSlice:1+ Einsum:12+ Elu:6+ Equal:7-10,11-12,13+ Erf:9-12,13+ Exp:6-12,13+ Expand:8-12,13+ EyeLike:9+
ai.onnx Flatten:1-8,9-10,11-12,13+ Floor:6-12,13+ GRU:7-13,14+ Gather:1-10,11-12,13+ GatherElements:11-12,13+
ai.onnx GatherND:11,12,13+ Gelu:20+ Gemm:7-8,9-10,11-12,13+ GlobalAveragePool:1+ GlobalMaxPool:1+
ai.onnx Greater:7-8,9-12,13+ GreaterOrEqual:12-15,16+ GridSample:16-19,20-21,22+ HardSigmoid:6-21,22+
ai.onnx HardSwish:14-21,22+ Identity:1-12,13,14-18,19+ If:1-10,11-12,13-18,19+ ImageScaler:1+
ai.onnx InstanceNormalization:6+ IsInf:10-19,20+ IsNaN:9-12,13-19,20+ LRN:1-12,13+ LSTM:7-13,14+
ai.onnx LayerNormalization:1-16,17+ LeakyRelu:6-15,16+ Less:7-8,9-12,13+ LessOrEqual:12-15,16+ Log:6-12,13+
ai.onnx LogSoftmax:1-10,11-12,13+ Loop:1-10,11-12,13-18,19+ MatMul:1-8,9-12,13+ MatMulInteger:10+ Max:6-11,12,13+
ai.onnx MaxPool:1-7,8-9,10,11,12+ Min:6-11,12,13+ Mod:10-12,13+ Mul:7-12,13,14+ Neg:6-12,13+ NonZero:9-12,13+
ai.onnx Not:1+ OneHot:11+ Or:7+ PRelu:7-8,9-15,16+ Pad:2-10,11-12,13-17,18+ ParametricSoftplus:1+
ai.onnx Pow:7-11,12,13-14,15+ QuantizeLinear:10-12,13-18,19-20,21+ RMSNormalization:23+ RNN:7-13,14+
ai.onnx RandomNormal:1+ RandomNormalLike:1+ RandomUniform:1+ RandomUniformLike:1+ Range:11+ Reciprocal:6-12,13+
ai.onnx ReduceL1:1-17,18+ ReduceL2:1-17,18+ ReduceLogSum:1-17,18+ ReduceLogSumExp:1-17,18+ ReduceMax:1-17,18+
ai.onnx ReduceMean:1-17,18+ ReduceMin:1-17,18+ ReduceProd:1-17,18+ ReduceSum:1-12,13+ ReduceSumSquare:1-17,18+
ai.onnx Relu:6-12,13,14+ Reshape:1-4,5-12,13,14-18,19-20,21-22,23+ Resize:10,11-12,13-17,18,19+
ai.onnx ReverseSequence:10+ RoiAlign:10+ RotaryEmbedding:23+ Round:11+ ScaledTanh:1+ Scan:8,9-10,11-15,16-18,19+
ai.onnx Scatter:9-10 ScatterElements:11-12,13-15,16-17,18+ ScatterND:11-12,13-15,16-17,18+ Selu:6+
ai.onnx SequenceAt:11+ SequenceConstruct:11+ SequenceEmpty:11+ SequenceErase:11+ SequenceInsert:11+
ai.onnx SequenceLength:11+ Shape:1-12,13-14,15-18,19-20,21-22,23+ Shrink:9+ Sigmoid:6-12,13+ Sign:13+
ai.onnx SimplifiedLayerNormalization:1+ Sin:7+ Size:1-12,13+ Slice:1-9,10,11-12,13+ Softmax:1-10,11-12,13+
ai.onnx Softplus:1+ Softsign:1+ SpaceToDepth:1-12,13+ Split:2-10,11-12,13-17,18+ Sqrt:6-12,13+
ai.onnx Squeeze:1-10,11-12,13-20,21-22,23+ Sub:7-12,13,14+ Sum:6-7,8-12,13+ Tanh:6-12,13+ TensorScatter:24+
ai.onnx ThresholdedRelu:1+ Tile:6-12,13+ TopK:1-9,10,11+ Transpose:1-12,13-20,21-22,23+ Trilu:14+
ai.onnx Unsqueeze:1-10,11-12,13-20,21-22,23+ Upsample:7-8,9 Where:9-15,16+ Xor:7+
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
