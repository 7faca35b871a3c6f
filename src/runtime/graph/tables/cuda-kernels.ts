/**
 * Kernels of onnxruntime's CUDA execution provider, with the element types each takes for its main input (input 0;
 * Where's input 1, see typedInput in type-gaps.ts).
 *
 * ai.onnx: the CUDAExecutionProvider section of docs/OperatorKernels.md at commit 001d12d2623f, which
 * onnxruntime's tools/python/gen_opkernel_doc.py generates from the registered kernels (the typed kernel classes of
 * cuda_execution_provider.cc): each op's opset ranges and, after the @, the types of input 0's type parameter.
 * onnxruntime matches a kernel registered without an end (`N+`) only to the op's own since-version N, as the WebGPU
 * probe showed (webgpu-table.test.ts); so each open range is closed at the opset before ONNX revised the op, those
 * revisions read from the CPU table's ranges (the CPU provider registers every version): Cos:7+ becomes 7-21, as
 * ONNX revised Cos at 22. A kernel registered after 001d12d2623f is missed (its node reported on the CPU).
 * Not checked against a runtime: there is no CUDA device here.
 *
 * com.microsoft: the kernel declarations of onnxruntime/contrib_ops/cuda/cuda_contrib_kernels.cc at commit
 * 004b79eda305 (its first 16,000 characters: the declarations up to GatherBlockQuantized), all opset 1; types from
 * the com.microsoft part of the same OperatorKernels.md section where it lists the op (ops declared since, such as
 * GatedDeltaNet, have none: not checked).
 *
 * Type words: f32 float32, f16 float16, bf16 bfloat16, f64 float64, i8..u64 the integers, fp8 float8e4m3fn, fp8uz
 * float8e4m3fnuz, fp8e5 float8e5m2, fp8e5uz float8e5m2fnuz, f4 float4e2m1, i4/u4 the 4-bit integers, str string.
 */
export const cudaKernelList = `
# CUDAExecutionProvider, ai.onnx (OperatorKernels.md @001d12d2623f)
ai.onnx Abs:6-12@f32,f16,f64,i8,i16,i32,i64,u8,u16,u32,u64 Abs:13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx Add:7-12@f32,f16,f64,i32,i64,u32,u64 Add:13@f32,f16,bf16,f64,i32,i64,u32,u64
ai.onnx Add:14+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64 Sub:7-12@f32,f16,f64,i32,i64,u32,u64
ai.onnx Sub:13@f32,f16,bf16,f64,i32,i64,u32,u64 Sub:14+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx Mul:7-12@f32,f16,f64,i32,i64,u32,u64 Mul:13@f32,f16,bf16,f64,i32,i64,u32,u64
ai.onnx Mul:14+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64 Div:7-12@f32,f16,f64,i32,i64,u32,u64
ai.onnx Div:13@f32,f16,bf16,f64,i32,i64,u32,u64 Div:14+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64
ai.onnx Affine:1+@f32,f16,f64 And:7+@bool Or:7+@bool Xor:7+@bool Not:1+@bool ArgMax:1-11,12,13+@f32,f16,f64
ai.onnx ArgMin:1-11,12,13+@f32,f16,f64 Attention:23,24+@f32,f16,bf16 AveragePool:7-9,10,11-18,19-21@f32,f16,f64
ai.onnx AveragePool:22+@f32,f16,bf16,f64 BatchNormalization:7-8,9-13,14,15+@f32,f16,f64
ai.onnx Cast:6-8,9-12@f32,f16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Cast:13-18@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Cast:19-20,21-22@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,fp8,fp8e5
ai.onnx Cast:23@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,fp8,fp8e5,f4 Ceil:6-12,13+@f32,f16,f64
ai.onnx Floor:6-12,13+@f32,f16,f64 Clip:6-10,11@f32 Clip:12,13+@f32,f16,f64,i8,i64,u8,u64
ai.onnx Compress:9-10,11+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Concat:4-10,11-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool ConcatFromSequence:11+
ai.onnx ConstantOfShape:9-19@i64 Conv:1-10,11-21@f32,f16,f64 Conv:22+@f32,f16,bf16,f64
ai.onnx ConvTranspose:1-10,11-21@f32,f16,f64 Cos:7-21@f32,f16,f64 Sin:7-21@f32,f16,f64 Crop:1+@f32,f16,f64
ai.onnx CumSum:11-13@f32,f64,i32,i64,u32,u64 CumSum:14+@f32,f16,f64,i32,i64,u32,u64
ai.onnx DepthToSpace:1-10,11-12,13+@f32,f16,f64 SpaceToDepth:1-12,13+@f32,f16,f64 DequantizeLinear:10-12,13-18@i8,u8
ai.onnx DequantizeLinear:19-20@fp8,fp8e5,i8,u8 DequantizeLinear:21-22@fp8,fp8e5,i4,i8,u4,u8
ai.onnx Dropout:7-9,10-11,12@f32,f16,f64 Dropout:13-21@f32,f16,bf16,f64
ai.onnx DynamicSlice:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool Einsum:12+@f32,f16,f64
ai.onnx Elu:6-21@f32,f16,f64 Equal:7-10@bool,i32,i64 Equal:11-12,13-18@bool,f32,f16,f64,i32,i64,u32,u64
ai.onnx Erf:9-12@f32,f16,f64 Erf:13+@f32,f16,bf16,f64 Exp:6-12@f32,f16,f64 Exp:13+@f32,f16,bf16,f64
ai.onnx Expand:8-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool EyeLike:9-21@f32,f64,i32,i64,u64
ai.onnx Flatten:1-8,9-10,11-12,13-20@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool GRU:7-13,14-21@f32,f16,f64
ai.onnx LSTM:7-13,14-21@f32,f16,f64 RNN:7-13,14-21@f32,f16,f64
ai.onnx Gather:1-10,11-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx GatherElements:11-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx GatherND:11,12@bool,f32,f16,f64,i64 GatherND:13+@bool,f32,f16,bf16,f64,i64 Gelu:20+@f32,f16,bf16,f64
ai.onnx Gemm:7-8,9-10,11-12@f32,f16,f64 Gemm:13+@f32,f16,bf16,f64 GlobalAveragePool:1-21@f32,f16,f64
ai.onnx GlobalMaxPool:1-21@f32,f16,f64 Greater:7-8@f32,f16,f64 Greater:9-12,13+@f32,f16,f64,i32,i64,u32,u64
ai.onnx Less:7-8@f32,f16,f64 Less:9-12,13+@f32,f16,f64,i32,i64,u32,u64
ai.onnx GreaterOrEqual:12-15,16+@f32,f16,f64,i32,i64,u32,u64 LessOrEqual:12-15,16+@f32,f16,f64,i32,i64,u32,u64
ai.onnx GridSample:16-19,20-21,22+@f32 HardSigmoid:6-21@f32,f16,f64 HardSigmoid:22+@f32,f16,bf16,f64
ai.onnx HardSwish:14-21@f32,f16,f64 HardSwish:22+@f32,f16,bf16,f64 Identity:1-12,13,14-18,19-20
ai.onnx If:1-10,11-12,13-18,19-20 ImageScaler:1+@f32,f16,f64 InstanceNormalization:6-21@f32,f16,f64
ai.onnx IsInf:10-19@f32,f64 IsInf:20+@f32,f16,bf16,f64,fp8,fp8uz,fp8e5,fp8e5uz IsNaN:9-12@f32,f16,f64
ai.onnx IsNaN:13-19@f32,f16,bf16,f64 IsNaN:20+@f32,f16,bf16,f64,fp8,fp8uz,fp8e5,fp8e5uz LRN:1-12,13+@f32,f16,f64
ai.onnx LayerNormalization:1-16,17+@f32,f16,bf16,f64 LeakyRelu:6-15,16+@f32,f16,f64 Log:6-12,13+@f32,f16,f64
ai.onnx LogSoftmax:1-10,11-12,13+@f32,f16,f64 Loop:1-10,11-12,13-18,19-20 MatMul:1-8,9-12@f32,f16,f64
ai.onnx MatMul:13+@f32,f16,bf16,f64 MatMulInteger:10+@i8 Max:6-11@f32,f16,bf16,f64
ai.onnx Max:12,13+@f32,f16,bf16,f64,i32,i64,u32,u64 Min:6-11@f32,f16,bf16,f64
ai.onnx Min:12,13+@f32,f16,bf16,f64,i32,i64,u32,u64 MaxPool:1-7,8-9,10,11@f32,f16,f64 MaxPool:12-21@f32,f16,f64,i8,u8
ai.onnx Mod:10-12@f32,f16,f64,i32,i64,u32,u64 Mod:13+@f32,f16,bf16,f64,i32,i64,u32,u64
ai.onnx Neg:6-12@f32,f16,f64,i8,i16,i32,i64 Neg:13+@f32,f16,bf16,f64,i8,i16,i32,i64
ai.onnx NonZero:9-12,13+@bool,f32,f16,i32,i64,u8 OneHot:11+@i32,i64 PRelu:7-8,9-15,16+@f32,f16,f64
ai.onnx Pad:2-10,11-12@f32,f16,f64 Pad:13-17,18@bool,f32,f16,f64 ParametricSoftplus:1+@f32,f16,f64
ai.onnx Pow:7-11@f32,f16,f64 Pow:12@f32,f16,f64,i32,i64 Pow:13-14,15+@f32,f16,bf16,f64,i32,i64
ai.onnx QuantizeLinear:10-12,13-18@f32 QuantizeLinear:19-20,21-22@f32,f16 RMSNormalization:23+@f32,f16,bf16,f64
ai.onnx RandomNormal:1+ RandomNormalLike:1+ RandomUniform:1+ RandomUniformLike:1+ Range:11-26@f32,f64,i16,i32,i64
ai.onnx Reciprocal:6-12,13+@f32,f16,f64 ReduceL1:1-17,18+@f32,f16,f64,i32 ReduceL2:1-17,18+@f32,f16,f64,i32
ai.onnx ReduceLogSum:1-17,18+@f32,f16,f64 ReduceLogSumExp:1-17,18+@f32,f16,f64
ai.onnx ReduceMax:1-17,18-19@f32,f16,f64,i32,i64 ReduceMean:1-17,18+@f32,f16,f64,i32
ai.onnx ReduceMin:1-17,18-19@f32,f16,f64,i8,i32,i64,u8 ReduceProd:1-17,18+@f32,f16,f64,i32
ai.onnx ReduceSum:1-12@f32,f16,f64,i32,i64 ReduceSum:13+@f32,f16,bf16,f64,i32,i64 ReduceSumSquare:1-17,18+@f32,f16,f64
ai.onnx Relu:6-12@f32,f16,f64 Relu:13,14+@f32,f16,bf16,f64
ai.onnx Reshape:1-4,5-12,13,14-18@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Reshape:19-20,21-22,23@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx Resize:10,11-12,13-17,18,19+@f32,f16,f64,i32,u8
ai.onnx ReverseSequence:10+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool RoiAlign:10-15@f32,f64
ai.onnx RotaryEmbedding:23+@f32,f16,bf16 Round:11-21@f32,f16,f64 ScaledTanh:1+@f32,f16,f64
ai.onnx Scan:8,9-10,11-15,16-18,19-20 Scatter:9-10@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx ScatterElements:11-12,13-15,16-17,18+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx ScatterND:11-12,13-15,16-17,18+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool Selu:6-21@f32,f16,f64
ai.onnx SequenceAt:11+ SequenceConstruct:11+ SequenceEmpty:11+ SequenceErase:11+ SequenceInsert:11+ SequenceLength:11+
ai.onnx Shape:1-12,13-14,15-18@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Shape:19-20,21-22,23@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,fp8,fp8uz,fp8e5,fp8e5uz
ai.onnx Shrink:9+@f32,f16,f64,i8,i16,i32,i64,u8,u16,u32,u64 Sigmoid:6-12@f32,f16,f64 Sigmoid:13+@f32,f16,bf16,f64
ai.onnx Sign:13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64 SimplifiedLayerNormalization:1+@f32,f16,bf16,f64
ai.onnx Size:1-12,13-18@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str
ai.onnx Slice:1-9,10,11-12,13+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool Softmax:1-10,11-12@f32,f16,f64
ai.onnx Softmax:13+@f32,f16,bf16,f64 Softplus:1-21@f32,f16,f64 Softsign:1-21@f32,f16,f64
ai.onnx Split:2-10,11-12,13-17,18+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool Sqrt:6-12@f32,f16,f64
ai.onnx Sqrt:13+@f32,f16,bf16,f64
ai.onnx Squeeze:1-10,11-12,13-20,21-22,23@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Sum:6-7,8-12,13+@f32,f16,bf16,f64 Tanh:6-12@f32,f16,f64 Tanh:13+@f32,f16,bf16,f64
ai.onnx TensorScatter:24+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool ThresholdedRelu:1-9,10-21@f32,f16,f64
ai.onnx Tile:6-12@f32,f16,f64,i32,i64 Tile:13+@f32,f16,bf16,f64,i32,i64 TopK:1-9,10,11-23@f32,f16,f64,i32,i64
ai.onnx Transpose:1-12,13-20,21-22,23@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Trilu:14+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Unsqueeze:1-10,11-12,13-20,21-22,23@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
ai.onnx Upsample:7-8,9@f32,f16,f64,i32,u8 Where:9-15@f32,f16,f64,i32,i64,u8 Where:16+@f32,f16,bf16,f64,i32,i64,u8
# CUDAExecutionProvider, com.microsoft (cuda_contrib_kernels.cc @004b79eda305; types from OperatorKernels.md)
com.microsoft GridSample:1+@f32 FastGelu:1+@f32,f16,bf16,f64 Gelu:1+@f32,f16,bf16,f64 BiasGelu:1+@f32,f16,bf16,f64
com.microsoft BiasSplitGelu:1+@f32,f16 BiasAdd:1+@f32,f16 QuickGelu:1+@f32,f16,bf16,f64
com.microsoft TransposeMatMul:1+@f32,f16,bf16,f64 FusedMatMul:1+@f32,f16,bf16,f64 RelativePositionBias:1+@f32,f16
com.microsoft GatedRelativePositionBias:1+@f32,f16 RemovePadding:1+@f32,f16 RestorePadding:1+@f32,f16
com.microsoft Rfft:1+@f32,f16,f64 Irfft:1+@f32,f16,f64 ComplexMul:1+@f32,f16 ComplexMulConj:1+@f32,f16
com.microsoft BiasSoftmax:1+@f32,f16,f64 BiasDropout:1+@f32,f16,bf16,f64 BitmaskDropout:1+@f32,f16,bf16,f64
com.microsoft BitmaskBiasDropout:1+@f32,f16,bf16,f64 NGramRepeatBlock:1+@i64 Attention:1+@f32,f16,bf16
com.microsoft PackedAttention:1+@f32,f16 PackedMultiHeadAttention:1+@f32,f16 BeamSearch:1+ WhisperBeamSearch:1+
com.microsoft ConvTransposeWithDynamicPads:1+@f32 MoE:1+@f32,f16,bf16 QMoE:1+@f16,bf16
com.microsoft MultiHeadAttention:1+@f32,f16,bf16 GroupQueryAttention:1+@f16,bf16 PagedAttention:1+@f16,bf16
com.microsoft DecoderAttention:1+@f32,f16 EmbedLayerNormalization:1+ GreedySearch:1+ GroupNorm:1+@f32,f16
com.microsoft NhwcConv:1+@f32,f16 LongformerAttention:1+@f32,f16 RotaryEmbedding:1+@f32,f16,bf16 MRotaryEmbedding:1+
com.microsoft GemmaRotaryEmbedding:1+@f32 LinearAttention:1+ GatedDeltaNet:1+ LinearAttentionGate:1+ GatedRMSNorm:1+
com.microsoft EngramGate:1+ NGramHashMapping:1+ VarlenNGramHashMapping:1+ GatedAdd:1+ CausalConvWithState:1+
com.microsoft VarlenCausalConvWithState:1+ Sampling:1+ SkipGroupNorm:1+@f32,f16 SkipLayerNormalization:1+@f32,f16,bf16
com.microsoft SkipSimplifiedLayerNormalization:1+@f32,f16,bf16 Inverse:1+@f32,f16,f64 MatMulBlockQuantizedFp4Weight:1+
com.microsoft MatMulBlockQuantizedFp8Weight:1+ MatMulNBits:1+@f32,f16,bf16 MatMulBnb4:1+@f32,f16,bf16
com.microsoft Trilu:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool
com.microsoft UnfoldTensor:1+@f32,f16,bf16,f64,i8,i16,i32,i64,u8,u16,u32,u64,bool,str DynamicTimeWarping:1+@f32
com.microsoft QuantizeLinear:1+@f16 DequantizeLinear:1+@i8,u8 QAttention:1+@i8 FusedConv:1+@f32 QOrderedMatMul:1+@i8
com.microsoft QOrderedLayerNormalization:1+@i8 QOrderedGelu:1+@i8 QuantizeWithOrder:1+@f32,f16
com.microsoft DequantizeWithOrder:1+@i8 QOrderedAttention:1+@i8 QOrderedLongformerAttention:1+@i8
com.microsoft DecoderMaskedSelfAttention:1+@f32,f16 DecoderMaskedMultiHeadAttention:1+@f32,f16
com.microsoft GemmFloat8:1+@f32,f16,bf16,fp8,fp8e5 SparseAttention:1+@f16,bf16 GatherBlockQuantized:1+@i4,u4,u8
`;
